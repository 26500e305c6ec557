server "MBX01" {
  roles = ["mailbox"]
  sight = "HQ" # ERROR: Unsupported argument
}
