clustered_mailbox_server "CMS01" { # ERROR: AutoDatabaseMountDial not declared
  type  = "ccr"
  nodes = ["NODE1", "NODE2"]
}
