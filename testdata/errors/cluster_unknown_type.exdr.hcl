clustered_mailbox_server "CMS01" {
  type  = "cc" # ERROR: Unknown cluster type
  nodes = ["NODE1", "NODE2"]
}
