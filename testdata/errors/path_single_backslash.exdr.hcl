# A Windows path with single backslashes: hcl reads \E as an escape.
server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\Exchange" # ERROR: Invalid escape sequence
}
