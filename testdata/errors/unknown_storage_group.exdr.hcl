server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group = "SG2" # ERROR: Reference to unknown storage group
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}
