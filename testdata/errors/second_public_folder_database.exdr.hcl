server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

storage_group "SG2" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG2"
}

public_folder_database "PF1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\PF1.edb"
}

public_folder_database "PF2" { # ERROR: Second public folder database on server
  storage_group = storage_group.SG2.name
  edb_file_path = "E:\\Exchange\\SG2\\PF2.edb"
}
