locals {
  site = "HQ"
}

server "MBX01" {
  roles = ["mailbox"]
  site  = local.sites # ERROR: Reference to undeclared local value
}
