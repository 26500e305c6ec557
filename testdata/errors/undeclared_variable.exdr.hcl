server "MBX01" {
  roles = ["mailbox"]
  site  = var.sight # ERROR: Reference to undeclared input variable
}

variable "site" {
  default = "HQ"
}
