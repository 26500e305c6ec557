server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "Exchange\\SG1" # ERROR: Invalid Windows path
}
