server "MBX01" {
  roles = ["mailbox"]
}

storage_group "first" {
  name            = "SG1"
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

storage_group "second" { # ERROR: Duplicate storage group
  name            = "sg1" # Exchange ignores case
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1b"
}
