server "MBX01" {
  roles = ["mailbox"]
}

server "MBX03" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"

  standby {
    machine = server.MBX03.name
  }
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}

mailbox_database "DB2" { # ERROR: Second database in a replicated storage group
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB2.edb"
}
