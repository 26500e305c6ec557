clustered_mailbox_server "CMS01" {
  type                     = "scc"
  nodes                    = ["NODE1", "NODE2"]
  auto_database_mount_dial = "lossless" # ERROR: AutoDatabaseMountDial on a single copy cluster
}
