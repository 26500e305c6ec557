variable "retention" {
  type    = string
  default = "14h" # ERROR: Invalid value for variable

  validation {
    condition     = endswith(var.retention, "d")
    error_message = "Retention is given in days."
  }
}
