sever "MBX01" { # ERROR: Unsupported block type
  roles = ["mailbox"]
}
