# Contoso keeps its shared calendars, contacts and the free/busy data
# Outlook 2003 clients need in public folders: one public folder database
# on MBX01 and one on MBX02, each in a storage group of its own, with the
# folders replicated between them. This example is about losing a public
# folder database and getting it back: from the other replicas when every
# folder it holds has one, from the backup when a folder has none. See
# storage.exdr.hcl.

exdr {
  organization = "Contoso"

  objectives {
    rto = "4h"  # disaster to service restored
    rpo = "15m" # the newest changes we accept to lose
  }
}

provider "lab" {
  path = ".exdr/lab"
}

server "MBX01" {
  roles = ["mailbox"]
  site  = "HQ"
}

server "MBX02" {
  roles = ["mailbox"]
  site  = "HQ"
}

server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}
