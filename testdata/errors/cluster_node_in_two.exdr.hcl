clustered_mailbox_server "CMS01" {
  type                     = "ccr"
  nodes                    = ["NODE1", "NODE2"]
  auto_database_mount_dial = "good_availability"
}

clustered_mailbox_server "CMS02" {
  type                     = "ccr"
  nodes                    = ["NODE2", "NODE3"] # ERROR: Node in two clusters
  auto_database_mount_dial = "good_availability"
}
