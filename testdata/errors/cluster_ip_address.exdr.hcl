clustered_mailbox_server "CMS01" {
  type                     = "ccr"
  nodes                    = ["NODE1", "NODE2"]
  auto_database_mount_dial = "lossless"
  ip_address               = "10.0.0.300" # ERROR: Invalid IP address
}
