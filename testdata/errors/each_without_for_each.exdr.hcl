server "MBX01" {
  roles = ["mailbox"]
  site  = each.key # ERROR: Reference to "each" in a block without for_each
}
