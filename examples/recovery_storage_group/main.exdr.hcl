# Contoso's mail for one site: a mailbox server and a hub. This example is
# about getting mail back for a user, not about a lost server: items she
# deleted and that then left the dumpster (past deleted item retention),
# which Outlook's Recover Deleted Items can no longer reach. Last night's
# backup still has them; a recovery storage group brings them back without
# touching production. See recovery.exdr.hcl.

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

# Hub Transport and Client Access on one box, as a small site runs them.
server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}
