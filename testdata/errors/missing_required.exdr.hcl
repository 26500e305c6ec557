server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" { # ERROR: Missing required argument
  server = server.MBX01.name
}
