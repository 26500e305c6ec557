# A replicated storage group holds one database.

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"

  # SCR to MBX02, replayed 10 minutes behind. failback = true, once
  # MBX01 is rebuilt, takes the users home in a planned outage.
  standby {
    machine    = server.MBX02.name
    replay_lag = "10m"
  }
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}

mailbox "users" {
  for_each = toset(["alice", "bob"])
  owner    = "CONTOSO\\${each.key}"
  database = mailbox_database.DB1.name
}
