server "MBX01" {
  roles = { mailbox = true } # ERROR: Incorrect attribute value type
}
