# Contoso keeps its shared calendars, contacts and the free/busy data
# Outlook 2003 clients need in public folders, on MBX01, in a storage
# group of their own. This example is about losing that public folder
# database and getting it back from the backup. See storage.exdr.hcl.

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

server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}
