clustered_mailbox_server "CMS01" {
  type                     = "ccr"
  nodes                    = ["NODE1", "NODE2", "NODE3"] # ERROR: A CCR cluster has two nodes
  auto_database_mount_dial = "lossless"
}
