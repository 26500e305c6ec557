server "mbx" {
  for_each = ["MBX01", "MBX02"] # ERROR: Invalid for_each argument
  roles    = ["mailbox"]
}
