server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\DB.edb"
}

public_folder_database "PF1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "e:\\exchange\\db.edb" # ERROR: Database file used twice
}
