variable "site" { # ERROR: No value for required variable
  type = string
}

server "MBX01" {
  roles = ["mailbox"]
  site  = var.site
}
