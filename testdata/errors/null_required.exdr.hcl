# A required argument set to null is missing: it crashed the validation
# (a storage group's server) or made commands with empty arguments (a
# log folder, a database file).
variable "nothing" {
  type    = string
  default = null
}

server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = var.nothing # ERROR: Missing required argument
  log_folder_path = "D:\\Exchange\\SG1"
}

storage_group "SG2" {
  server          = server.MBX01.name
  log_folder_path = var.nothing # ERROR: Missing required argument
}

mailbox_database "DB2" {
  storage_group = storage_group.SG2.name
  edb_file_path = null # ERROR: Missing required argument
}

queue_database "HUB" {
  server = null # ERROR: Missing required argument
}
