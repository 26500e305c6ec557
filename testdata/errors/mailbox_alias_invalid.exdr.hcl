server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}

# Exchange 2007 accepts these: an apostrophe, a period between other
# characters, Latin-1 letters, and the other characters of an e-mail
# address's local part.
mailbox "obrien" {
  name     = "o'brien"
  database = mailbox_database.DB1.name
}

mailbox "helpdesk" {
  name     = "help.desk"
  database = mailbox_database.DB1.name
}

mailbox "jürgen" {
  database = mailbox_database.DB1.name
}

mailbox "symbols" {
  name     = "a!#$%&*+-/=?^_`{|}~z"
  database = mailbox_database.DB1.name
}

# It refuses these (the Management Shell: '"..." is not valid for Alias').
mailbox "space" {
  name     = "consumer support" # ERROR: Invalid mailbox alias
  database = mailbox_database.DB1.name
}

mailbox "quote" {
  name     = "x’y" # ERROR: Invalid mailbox alias
  database = mailbox_database.DB1.name
}

mailbox "dots" {
  name     = "a..b" # ERROR: Invalid mailbox alias
  database = mailbox_database.DB1.name
}

mailbox "leading_dot" {
  name     = ".alice" # ERROR: Invalid mailbox alias
  database = mailbox_database.DB1.name
}

mailbox "address" {
  name     = "bob@contoso.com" # ERROR: Invalid mailbox alias
  database = mailbox_database.DB1.name
}

mailbox "Иван" { # ERROR: Invalid mailbox alias
  database = mailbox_database.DB1.name
}
