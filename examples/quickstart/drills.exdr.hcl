# Disaster drills: exdr drill runs each on a copy of the lab, checks the
# recovery against its objectives and writes a report under drills/.

# MBX01 is lost whole after a full backup: it is rebuilt and every
# database restored, and every message comes back.
drill "lose_mbx01" {
  before "traffic" {
    mailboxes = 2
    items     = 5
  }
  before "backup" {
    type = "full"
  }
  disaster "lose_server" {
    server = "MBX01"
  }
  expect {
    rto = "2h"
  }
}

# DB1's file is deleted an hour after the backup: the restore rolls forward
# through the live logs, so the mail since the backup comes back too.
drill "delete_db1" {
  before "traffic" {}
  before "backup" {}
  before "clock" {
    advance = "1h"
  }
  before "traffic" {
    items = 3
  }
  disaster "delete_database" {
    database = "mailbox_database.DB1"
  }
  expect {
    rpo = "0s"
  }
}

# HUB01 crashes with mail queued for DB1, dismounted for maintenance: the
# queue database is recovered from its trn logs and every message is
# delivered once DB1 is mounted again.
drill "hub_crash" {
  before "dismount" {
    database = "mailbox_database.DB1"
  }
  before "traffic" {
    items = 10
  }
  disaster "crash" {
    server = "HUB01"
  }
  expect {
    messages_delivered = true
  }
}
