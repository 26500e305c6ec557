# Storage groups and databases. Each mailbox server has two storage groups
# with one mailbox database each; MBX02 also keeps the public folders.

storage_group "MBX01_SG1" {
  name            = "SG1"
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

storage_group "MBX01_SG2" {
  name            = "SG2"
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG2"
}

mailbox_database "DB1" {
  storage_group          = storage_group.MBX01_SG1.name
  edb_file_path          = "E:\\Exchange\\SG1\\DB1.edb"
  deleted_item_retention = var.item_retention
  mailbox_retention      = "30d"

  recovery {
    restore_from = var.restore_from
  }
}

mailbox_database "DB2" {
  storage_group                     = storage_group.MBX01_SG2.name
  edb_file_path                     = "E:\\Exchange\\SG2\\DB2.edb"
  deleted_item_retention            = var.item_retention
  mailbox_retention                 = "30d"
  retain_deleted_items_until_backup = true

  recovery {
    dial_tone = true # users get an empty mailbox at once, their data follows
  }
}

# MBX02 mirrors MBX01's layout, one storage group per department.
storage_group "MBX02" {
  for_each = toset(["Sales", "Staff"])

  name            = each.key
  server          = server.MBX02.name
  log_folder_path = "D:\\Exchange\\${each.key}"
}

mailbox_database "MBX02" {
  for_each = storage_group.MBX02

  name                   = "${each.key}DB"
  storage_group          = each.value.identity
  edb_file_path          = "E:\\Exchange\\${each.key}\\${each.key}DB.edb"
  deleted_item_retention = "7.00:00:00"
}

storage_group "MBX02_PF" {
  name            = "Public Folders"
  server          = server.MBX02.name
  log_folder_path = "D:\\Exchange\\Public Folders"
}

public_folder_database "PF1" {
  storage_group = storage_group.MBX02_PF.name
  edb_file_path = "E:\\Exchange\\Public Folders\\PF1.edb"
}

queue_database "HUB01" {
  server         = server.HUB01.name
  max_size       = "4GB"
  max_whitespace = "30%"
}

# Every user's mailbox, from the list HR keeps beside this file.
mailbox "users" {
  for_each = { for row in csvdecode(file("mailboxes.csv")) : row.alias => row }

  display_name = each.value.display_name
  owner        = "CONTOSO\\${each.key}"
  database     = each.value.database
}
