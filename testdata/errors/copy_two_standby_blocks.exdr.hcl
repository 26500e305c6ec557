# One passive copy per storage group: a second standby block crashed the
# load (the error pointed at a copy attribute there was none of).
server "MBX01" {
  roles = ["mailbox"]
}

server "MBX02" {
  roles = ["mailbox"]
}

server "MBX03" {
  roles = ["mailbox"]
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"

  standby {
    machine = server.MBX02.name
  }

  standby { # ERROR: Duplicate standby block
    machine = server.MBX03.name
  }
}

storage_group "SG2" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG2"
  copy            = "local"
  copy_path       = "F:\\LCR\\SG2"

  standby { # ERROR: Two copies of one storage group
    machine = server.MBX02.name
  }
}
