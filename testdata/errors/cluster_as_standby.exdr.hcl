server "MBX01" {
  roles = ["mailbox"]
}

clustered_mailbox_server "CMS01" {
  type  = "scc"
  nodes = ["NODE1", "NODE2"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"

  standby { # ERROR: Standby machine is a clustered mailbox server
    machine = clustered_mailbox_server.CMS01.name
  }
}
