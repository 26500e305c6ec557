server "MBX01" {
  roles = ["mailbox"] # Standard edition by default: 5 storage groups
}

storage_group "sg" { # ERROR: Too many storage groups on server
  for_each        = toset(["SG1", "SG2", "SG3", "SG4", "SG5", "SG6"])
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\${each.key}"
}
