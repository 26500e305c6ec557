# Contoso keeps standby copies of its mailbox data, so that a lost disk or
# a lost server does not wait for a restore from backup:
#
#   - SG1 has a standby continuous replication (SCR) copy on MBX02, a
#     spare Mailbox server in the disaster recovery site, for when MBX01
#     itself is lost;
#   - SG2 has a local continuous replication (LCR) copy on MBX01's own F:
#     drive, another spindle, for when the database disk fails.
#
# Either copy is activated (Restore-StorageGroupCopy) before any backup is
# considered, then seeded again. See storage.exdr.hcl.

exdr {
  organization = "Contoso"

  objectives {
    rto = "1h"  # a copy is activated in minutes; a rebuilt server in under the hour
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

# The SCR target: a Mailbox server with no databases of its own, on the
# same paths as MBX01 (SCR keeps them).
server "MBX02" {
  roles = ["mailbox"]
  site  = "DR"
}

server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}
