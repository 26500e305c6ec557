server "MBX01" {
  roles   = ["mailbox"]
  edition = "enterprise"
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "db" { # ERROR: Too many databases in storage group
  for_each      = toset(["DB1", "DB2", "DB3", "DB4", "DB5", "DB6"])
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\${each.key}.edb"
}
