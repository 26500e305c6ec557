server "MBX01" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"

  standby { # ERROR: Standby copy on its own server
    machine    = server.MBX01.name
    replay_lag = "1h"
  }
}
