# Windows reads each of these as another path's spelling: a name ending
# in a dot or a space loses it, two backslashes are one, and a device
# name is no file. exdr compares paths as written, so each is refused:
# two databases on E:\Data\DB1.edb and E:\Data.\DB1.edb validated.
server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Logs\\SG1."       # ERROR: Invalid Windows path
}

storage_group "SG2" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Logs\\\\SG2"      # ERROR: Invalid Windows path
}

storage_group "SG3" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Logs\\SG3\\"      # a trailing backslash is the same folder
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Data \\DB1.edb"     # ERROR: Invalid Windows path
}

mailbox_database "DB2" {
  storage_group = storage_group.SG2.name
  edb_file_path = "E:\\Data\\NUL.edb"      # ERROR: Invalid Windows path
}

mailbox_database "DB3" {
  storage_group = storage_group.SG3.name
  edb_file_path = "E:\\COM1\\DB3.edb"      # ERROR: Invalid Windows path
}
