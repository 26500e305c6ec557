server "MBX01" {
  roles      = ["mailbox"]
  depends_on = [storage_group.SG1]
}

storage_group "SG1" {
  server          = server.MBX01.name # ERROR: Dependency cycle
  log_folder_path = "D:\\Exchange\\SG1"
}
