server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\Logs"
}

storage_group "SG2" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\Logs\\" # ERROR: Log folder shared by two storage groups
}
