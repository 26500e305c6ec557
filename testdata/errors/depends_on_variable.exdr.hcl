# depends_on lists resource blocks: a variable there is told so, not
# "Did you mean \"var\"?" of itself.
variable "x" {
  type    = string
  default = "a"
}

server "MBX01" {
  roles      = ["mailbox"]
  depends_on = [var.x] # ERROR: Invalid depends_on reference
}
