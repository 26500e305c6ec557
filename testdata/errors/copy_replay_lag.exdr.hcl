server "MBX01" {
  roles = ["mailbox"]
}

server "MBX03" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"

  standby {
    machine    = server.MBX03.name
    replay_lag = "8d" # ERROR: Replay lag too long
  }
}
