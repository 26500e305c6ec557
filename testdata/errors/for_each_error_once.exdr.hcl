# The same error in every instance of a for_each block is reported once;
# it was printed once per instance.
server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG" {
  for_each        = { a = "x", b = "y", c = "z" }
  server          = server.MBX01.name
  log_folder_path = "D:\\${each.value.identity}" # ERROR: Unsupported attribute
}
