# A number literal beyond a 64-bit float's range is refused as the file is
# parsed: go-cty would write every one of its digits, and the load hung.
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
  deleted_item_retention = "${1e99999999}d" # ERROR: Number out of range
  mailbox_retention      = "${-1e-99999999}d" # ERROR: Number out of range
}

locals {
  largest  = 1.7e308
  smallest = 5e-324
  past     = 1e309 # ERROR: Number out of range
}
