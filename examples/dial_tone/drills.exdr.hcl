# Drills: exdr drill . runs each on a copy of the lab, counts every item
# before the disaster and after the recovery, and writes a report under
# drills/. Each drill's rto is the whole recovery, history merged back,
# not only the minutes until users have dial tone.

# DB1's file is lost an hour after the nightly backup. Users get dial
# tone; the backup is restored beside it and rolled forward through the
# logs on D:, so the mail of that hour comes back too.
drill "lose_db1" {
  before "traffic" {
    mailboxes = 4
    items     = 20
  }
  before "backup" {
    type = "full"
  }
  before "clock" {
    advance = "1h"
  }
  before "traffic" {
    mailboxes = 4
    items     = 5
  }
  disaster "delete_database" {
    database = "mailbox_database.DB1"
  }
  expect {
    rto = "4h"
    rpo = "0s" # nothing lost: every log since the backup is there
  }
}

# MBX01 is lost whole after the backup: Setup /m:RecoverServer rebuilds it,
# then DB1 comes back by dial tone on the new server.
drill "lose_mbx01" {
  before "traffic" {
    mailboxes = 4
    items     = 20
  }
  before "backup" {
    type = "full"
  }
  disaster "lose_server" {
    server = "MBX01"
  }
  expect {
    rto = "4h"
  }
}

# A page of DB1 fails its checksum (JET -1018) after the backup: the
# damaged file is set aside, users get an empty database at once, and the
# backup rolled forward through the logs brings every message back.
drill "db1_bad_page" {
  before "traffic" {
    mailboxes = 2
    items     = 5
  }
  before "backup" {
    type = "full"
  }
  disaster "corrupt_page" {
    database = "mailbox_database.DB1"
    page     = 3
  }
  expect {
    rto = "4h"
  }
}
