variable "count" {
  type    = number
  default = "five" # ERROR: Invalid value for variable
}
