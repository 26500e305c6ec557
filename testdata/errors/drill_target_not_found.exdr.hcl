server "MBX01" {
  roles = ["mailbox"]
}

drill "lose_it" {
  disaster "lose_server" {
    server = "MBX09" # ERROR: Drill target not found
  }
}
