server "MBX01" {
  roles = ["mailbox"]
}

storage_group "RSG" {
  server          = server.MBX01.name
  log_folder_path = "R:\\RSG"
  recovery        = true # ERROR: Recovery storage group declared as a storage group
}
