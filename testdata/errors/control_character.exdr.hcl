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

mailbox "alice" {
  database     = mailbox_database.DB1.name
  display_name = "Alice\nArcher" # ERROR: Control character in a value
}
