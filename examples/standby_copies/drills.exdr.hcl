# Drills: exdr drill . runs each on a copy of the lab, counts every item
# before the disaster and after the recovery, and writes a report under
# drills/.

# The disk under DB2's file fails an hour after the nightly backup. Its LCR
# copy on F: is activated (Restore-StorageGroupCopy, MBX01 still up, so
# nothing is forced), mounted, and seeded again: every item is back, the
# hour since the backup included, without touching the backup.
drill "lcr_db2_lost" {
  before "traffic" {
    mailboxes = 2
    items     = 20
  }
  before "backup" {
    type = "full"
  }
  before "clock" {
    advance = "1h"
  }
  before "traffic" {
    mailboxes = 2
    items     = 3
  }
  disaster "delete_database" {
    database = "mailbox_database.DB2"
  }
  expect {
    rpo = "0s" # nothing lost
  }
}

# MBX01 is lost whole, two hours after the backup, ten minutes after the
# last mail arrived.
# MBX01 is rebuilt (Setup /m:RecoverServer); DB1 comes back from its SCR
# copy on MBX02, activated with -Force since the source is gone, and the
# copy's files are copied back to MBX01; DB2's LCR copy went with MBX01,
# so DB2 is restored from the backup. Both lose only the log generation
# still open on MBX01 when it died, never copied and not in the backup:
# the plan states that loss, which allow_data_loss accepts, and the drill
# holds it to the rpo of 15 minutes rather than expecting every item.
drill "scr_mbx01_lost" {
  before "traffic" {
    mailboxes = 2
    items     = 20
  }
  before "backup" {
    type = "full"
  }
  before "clock" {
    advance = "2h"
  }
  before "traffic" {
    mailboxes = 2
    items     = 3
  }
  before "clock" {
    advance = "10m"
  }
  disaster "lose_server" {
    server = "MBX01"
  }
  allow_data_loss = true
  expect {
    items_back = false
  }
}
