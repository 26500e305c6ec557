clustered_mailbox_server "CMS01" {
  type                     = "ccr"
  nodes                    = ["NODE1", "NODE2"]
  auto_database_mount_dial = "lossless"
}

storage_group "SG1" {
  server          = clustered_mailbox_server.CMS01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}

mailbox_database "DB2" { # ERROR: Second database in a CCR storage group
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB2.edb"
}
