# One storage group, one database: the restore brings back the whole of
# DB1 into the recovery storage group, so keep the R: drive big enough for
# a copy of it and its logs.

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"

  # Deleted items stay in the dumpster for 14 days: within that, users
  # get them back themselves (Recover Deleted Items in Outlook). After it
  # only a backup has them.
  deleted_item_retention = "14d"

  # A disabled mailbox is kept 30 days, then the store purges it.
  mailbox_retention = "30d"
}
