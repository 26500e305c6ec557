clustered_mailbox_server "CMS01" {
  type  = "scc"
  nodes = ["NODE1", "NODE2"]
}

server "NODE2" { # ERROR: A cluster node declared as a server
  roles = ["hub_transport"]
}
