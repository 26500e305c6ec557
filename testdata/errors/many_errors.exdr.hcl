# Independent mistakes are all reported in one run.
server "MBX01" {
  roles   = ["mailbox"]
  edition = "enterprize" # ERROR: Unknown edition
}

storage_group "SG1" {
  server           = server.MBX01.name
  log_folder_path  = "D:\\Exchange\\SG1"
  circular_logging = "sometimes" # ERROR: Incorrect attribute value type
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
  mounted       = true
  mountd        = true # ERROR: Unsupported argument

  recovery {
    restore_from = "last tuesday" # ERROR: Invalid time
  }
}
