# Contoso runs its mail in HQ and keeps a standby in its disaster recovery
# site: each storage group of MBX01 has a standby continuous replication
# (SCR) copy on MBX02, in DR, where HUB02 also carries mail.
#
# When HQ is lost, users cannot wait for MBX01 to be rebuilt: the RTO of
# 15 minutes is far shorter than a rebuild. exdr plan then activates each
# copy on MBX02 itself (Restore-StorageGroupCopy -StandbyMachine), mounts
# it there by database portability and re-homes its users, who are back
# in minutes. MBX01 is rebuilt meanwhile. The users stay on MBX02 until
# failback is declared (failback = true in the standby block), which
# plans the way back in a maintenance window. See storage.exdr.hcl.

exdr {
  organization = "Contoso"

  objectives {
    rto = "15m" # users back; a rebuilt server takes longer, so the standby serves
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

server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}

# The SCR target, in the disaster recovery site: a Mailbox server with no
# databases of its own, with the same drives as MBX01 (SCR keeps the
# paths).
server "MBX02" {
  roles = ["mailbox"]
  site  = "DR"
}

# Mail and clients in DR when HQ is gone.
server "HUB02" {
  roles = ["hub_transport", "client_access"]
  site  = "DR"
}
