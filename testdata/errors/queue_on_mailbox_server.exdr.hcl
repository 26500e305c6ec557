server "MBX01" {
  roles = ["mailbox"]
}

queue_database "MBX01" {
  server = server.MBX01.name # ERROR: Queue database on a server without a transport role
}
