storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group          = storage_group.SG1.name
  edb_file_path          = "E:\\Exchange\\SG1\\DB1.edb"
  deleted_item_retention = "14d"
}

# The public folder database in its own storage group, so that it is
# backed up, restored and rolled forward on its own, without touching the
# mailboxes. One public folder database per server. A public folder
# database is not portable: it comes back on MBX01, from MBX01's backup of
# this storage group, rolled forward through its logs on D:.
storage_group "PF" {
  name            = "Public Folders"
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\Public Folders"
}

public_folder_database "PF1" {
  storage_group          = storage_group.PF.name
  edb_file_path          = "E:\\Exchange\\Public Folders\\PF1.edb"
  deleted_item_retention = "14d"

  # The folders PF1 holds a replica of. \Calendars and \Contacts are
  # replicated to PF2 as well; \Archive lives here alone, so exdr check
  # warns of it, and losing PF1 means restoring it from backup.
  folder_replicas      = ["\\Archive", "\\Calendars", "\\Contacts"]
  replication_interval = "15m" # Set-PublicFolderDatabase -ReplicationPeriod
}

# MBX02's public folder database: a second replica of the folders people
# use every day. Lost, it needs no restore: an empty database takes its
# place and backfills from PF1.
storage_group "PF_MBX02" {
  name            = "Public Folders"
  server          = server.MBX02.name
  log_folder_path = "D:\\Exchange\\Public Folders"
}

public_folder_database "PF2" {
  storage_group          = storage_group.PF_MBX02.name
  edb_file_path          = "E:\\Exchange\\Public Folders\\PF2.edb"
  deleted_item_retention = "14d"
  folder_replicas        = ["\\Calendars", "\\Contacts"]
  replication_interval   = "15m"
}
