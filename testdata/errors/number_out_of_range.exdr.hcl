# Numbers made beyond a 64-bit float's range, by arithmetic, by a function
# or by a variable's value, are refused where they are made: written out
# into a string they would take as long as their digits.
variable "huge" {
  type    = number
  default = "1e99999999" # ERROR: Invalid value for variable
}

server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group          = storage_group.SG1.name
  edb_file_path          = "E:\\Exchange\\SG1\\DB1.edb"
  deleted_item_retention = "${1e300 * 1e300}d" # ERROR: Operation failed
  mailbox_retention      = "${"1e99999999" * 1}d" # ERROR: Operation failed
}

mailbox_database "DB2" {
  storage_group          = storage_group.SG1.name
  edb_file_path          = "E:\\Exchange\\SG1\\DB2.edb"
  deleted_item_retention = "${tonumber("1e99999999")}d" # ERROR: Error in function call
  mailbox_retention      = "${format("%d", "1e99999999")}d" # ERROR: Error in function call
}

mailbox_database "DB3" {
  storage_group          = storage_group.SG1.name
  edb_file_path          = "E:\\Exchange\\SG1\\DB3.edb"
  deleted_item_retention = "${jsondecode("[1e99999999]")[0]}d" # ERROR: Error in function call
  mailbox_retention      = "${formatlist("%f", ["1e99999999"])[0]}d" # ERROR: Error in function call
}
