# Contoso's mailbox server MBX01 holds one big database for the whole
# office. If it is lost, restoring it takes hours, and for those hours
# nobody could send or receive. Dial tone recovery gives users an empty
# mailbox at once and brings their history back behind it: see
# storage.exdr.hcl.

exdr {
  organization = "Contoso"

  # No rto here, on purpose. With dial_tone = true, exdr chooses dial tone
  # for a lost database when restoring it in place would not fit
  # objectives.rto, or when no rto is given. The lab restores a small
  # database in seconds, so with an rto of hours exdr would (rightly)
  # restore in place and this example would show no dial tone. In a real
  # organization give the rto users were promised: a 150 GB database
  # restored from tape does not fit an hour, and dial tone is then chosen.
  # Each drill states how long the whole recovery may take.
  objectives {
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

# Users get their dial-tone mailboxes through Client Access, and mail
# through the hub: a rebuilt MBX01 mounts only once both are up.
server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}
