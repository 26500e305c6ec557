server "MBX01" {
  roles = ["mailbox"]
}

drill "busy" {
  before "traffic" {
    items = "many" # ERROR: Invalid drill value
  }
  disaster "lose_server" {
    server = "MBX01"
  }
}
