# A recovery storage group in a production storage group's log folder
# passed validate and plan; New-StorageGroup refused it in the apply.
server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}

recovery_storage_group "RSG" {
  server          = server.MBX01.name
  database        = mailbox_database.DB1.name
  log_folder_path = "D:\\Exchange\\SG1\\" # ERROR: Log folder shared by two storage groups
}
