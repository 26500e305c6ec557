server "MBX01" {
  roles = ["mailbox"]
}

server "MBX01" { # ERROR: Duplicate server block
  roles = ["hub_transport"]
}
