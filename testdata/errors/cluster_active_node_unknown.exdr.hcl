clustered_mailbox_server "CMS01" {
  type                     = "ccr"
  nodes                    = ["NODE1", "NODE2"]
  auto_database_mount_dial = "lossless"
  active_node              = "NODE3" # ERROR: Active node not among the nodes
}
