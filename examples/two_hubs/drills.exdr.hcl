# Drills: exdr drill . runs each on a copy of the lab, counts every item
# and every queued message before the disaster, and after the recovery
# checks that each queued message is in its recipient's mailbox. (Items in
# a dismounted database are not counted: the report says "0 of 0 items",
# and the queued messages are what these drills are about.)

# DB1 is dismounted for maintenance (an offline defragmentation, say), so
# the mail for it waits in HUB01's queues (Retry, 432 4.3.2 STOREDRV).
# Then HUB01's machine dies; its disks survive. HUB02 takes HUB01's
# mail.que and delivers every message once DB1 is mounted again; HUB01 is
# rebuilt with an empty queue database.
drill "hub01_failed" {
  before "dismount" {
    database = "mailbox_database.DB1"
  }
  before "traffic" {
    mailboxes = 4
    items     = 25
  }
  disaster "fail_server" {
    server = "HUB01"
  }
}

# The same queued mail, but HUB01 only loses power: mail.que is left in
# dirty shutdown and HUB01 recovers it itself from its trn logs
# (eseutil /r trn), then delivers. HUB02 is not needed.
drill "hub01_power_cut" {
  before "dismount" {
    database = "mailbox_database.DB1"
  }
  before "traffic" {
    mailboxes = 4
    items     = 25
  }
  disaster "crash" {
    server = "HUB01"
  }
}
