storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group          = storage_group.SG1.name
  edb_file_path          = "E:\\Exchange\\SG1\\DB1.edb"
  deleted_item_retention = "14d"
  mailbox_retention      = "30d"

  # Dial tone, in Exchange's order: an empty DB1 is created and mounted at
  # once (users send and receive, with empty mailboxes); the old DB1 is
  # restored into a recovery storage group and rolled forward through the
  # production logs; the two databases are swapped (a short outage); the
  # mail received during dial tone is merged back into the restored
  # history; the recovery storage group is removed. Take a full backup
  # when it is done.
  recovery {
    dial_tone = true
  }
}
