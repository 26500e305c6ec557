server "HUB01" {
  roles = ["hub_transport", "client_access"]
}

storage_group "SG1" {
  server          = server.HUB01.name # ERROR: Storage group on a server without the mailbox role
  log_folder_path = "D:\\Exchange\\SG1"
}
