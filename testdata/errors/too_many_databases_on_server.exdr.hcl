server "MBX01" {
  roles   = ["mailbox"]
  edition = "standard"
}

storage_group "sg" {
  for_each        = toset(["SG1", "SG2", "SG3"])
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\${each.key}"
}

mailbox_database "a" {
  for_each      = storage_group.sg
  name          = "${each.key}A"
  storage_group = each.value.identity
  edb_file_path = "E:\\${each.key}\\A.edb"
}

mailbox_database "b" { # ERROR: Too many databases on server
  for_each      = storage_group.sg
  name          = "${each.key}B"
  storage_group = each.value.identity
  edb_file_path = "E:\\${each.key}\\B.edb"
}
