# A replicated storage group holds one database.

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"

  # SCR to MBX02. Each closed log generation is copied at once and replayed
  # an hour later: an hour to notice a logical corruption (a bad import, a
  # virus) before the copy has it too.
  standby {
    machine    = server.MBX02.name
    replay_lag = "1h"
  }
}

mailbox_database "DB1" {
  storage_group          = storage_group.SG1.name
  edb_file_path          = "E:\\Exchange\\SG1\\DB1.edb"
  deleted_item_retention = "14d"
}

storage_group "SG2" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG2"

  # LCR on F:, a separate disk of the same server: it survives the loss of
  # E: or D:, not the loss of MBX01.
  copy      = "local"
  copy_path = "F:\\LCR\\SG2"
}

mailbox_database "DB2" {
  storage_group          = storage_group.SG2.name
  edb_file_path          = "E:\\Exchange\\SG2\\DB2.edb"
  deleted_item_retention = "14d"
}
