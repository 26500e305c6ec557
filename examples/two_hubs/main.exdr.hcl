# Contoso's site HQ has two Hub Transport servers, so that mail keeps
# flowing when one is down, and so that a hub whose machine dies does not
# take the mail in its queues with it: its queue database (mail.que) is on
# disks that survive, and the other hub can deliver it (queue database
# portability). See transport.exdr.hcl.

exdr {
  organization = "Contoso"

  objectives {
    rto = "4h"  # disaster to service restored
    rpo = "15m" # the newest mail we accept to lose
  }
}

provider "lab" {
  path = ".exdr/lab"
}

server "MBX01" {
  roles = ["mailbox"]
  site  = "HQ"
}

# Two hubs of the same site, each also a Client Access server. Mail from
# MBX01 goes through the first that runs.
server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}

server "HUB02" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group          = storage_group.SG1.name
  edb_file_path          = "E:\\Exchange\\SG1\\DB1.edb"
  deleted_item_retention = "14d"
}
