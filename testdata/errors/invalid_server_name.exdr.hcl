server "mbx" {
  name  = "MAILBOX-SERVER-01" # ERROR: Invalid server name
  roles = ["mailbox"]
}
