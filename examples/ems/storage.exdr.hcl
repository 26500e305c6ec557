# One storage group per database, as Microsoft recommends for Exchange
# 2007: each database has its own log stream, so one can be restored and
# rolled forward without the others.

locals {
  # Database name => the Mailbox server that holds it.
  databases = {
    DB1 = "MBX01"
    DB2 = "MBX01"
    DB3 = "MBX02"
    DB4 = "MBX02"
  }
}

storage_group "sg" {
  for_each = local.databases

  name            = "SG-${each.key}"
  server          = each.value
  log_folder_path = "L:\\Exchange\\SG-${each.key}" # logs on their own spindles
}

mailbox_database "db" {
  for_each = local.databases

  name          = each.key
  storage_group = storage_group.sg[each.key].identity
  edb_file_path = "E:\\Exchange\\SG-${each.key}\\${each.key}.edb"

  deleted_item_retention = "14d"
  mailbox_retention      = "30d"
}
