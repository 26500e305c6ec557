server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

public_folder_database "PF1" {
  storage_group        = storage_group.SG1.name
  edb_file_path        = "E:\\Exchange\\SG1\\PF1.edb"
  replication_interval = "90s" # ERROR: Invalid replication interval
}
