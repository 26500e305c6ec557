server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX1.name # ERROR: Reference to undeclared resource
  log_folder_path = "D:\\Exchange\\SG1"
}
