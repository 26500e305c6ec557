server "MBX01" {
  roles = ["mailbox"]
}

drill "lose_it" {
  disaster "lose_srever" { # ERROR: Unknown disaster kind
    server = "MBX01"
  }
}
