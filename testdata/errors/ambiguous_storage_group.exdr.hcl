server "MBX01" {
  roles = ["mailbox"]
}

server "MBX02" {
  roles = ["mailbox"]
}

storage_group "a" {
  name            = "SG1"
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

storage_group "b" {
  name            = "SG1"
  server          = server.MBX02.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group = "SG1" # ERROR: Ambiguous storage group name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}

mailbox_database "DB2" {
  storage_group = storage_group.b.name # a reference settles which SG1
  edb_file_path = "E:\\Exchange\\SG1\\DB2.edb"
}
