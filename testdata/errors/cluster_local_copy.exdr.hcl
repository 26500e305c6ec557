clustered_mailbox_server "CMS01" {
  type  = "scc"
  nodes = ["NODE1", "NODE2"]
}

storage_group "SG1" {
  server          = clustered_mailbox_server.CMS01.name
  log_folder_path = "D:\\Exchange\\SG1"
  copy            = "local" # ERROR: Local copy on a clustered mailbox server
  copy_path       = "F:\\LCR\\SG1"
}
