server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  name          = ".." # ERROR: Invalid database name
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}

mailbox_database "DB2" {
  name          = "Sales." # ERROR: Invalid database name
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB2.edb"
}

storage_group "SG2" {
  name            = "." # ERROR: Invalid storage group name
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG2"
}
