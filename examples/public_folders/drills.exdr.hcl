# Drills: exdr drill . runs each on a copy of the lab and writes a report
# under drills/. A drill passes when the recovery fits the rto, loses
# nothing past the rpo, and the organization matches this configuration
# afterwards. It counts DB1's mail and every public folder's posts (a
# folder's posts count once, in whichever mounted replica holds them)
# before the disaster and after the recovery.

# PF2 is lost. Every folder it holds (\Calendars, \Contacts) has a
# replica on PF1, and replication ran after the last posts: an empty PF2
# takes its place and backfills from PF1. No restore, nothing lost.
drill "pf2_lost_backfill" {
  before "posts" {
    count = 5
  }
  before "clock" {
    advance = "15m" # one replication interval: PF2 gets the posts
  }
  disaster "delete_database" {
    database = "public_folder_database.PF2"
  }
  expect {
    items_back = true
  }
}

# PF1's file is deleted an hour after the nightly backup. \Archive has no
# other replica, so PF1 is restored from the full backup of "Public
# Folders" and rolled forward through the logs; \Calendars and \Contacts
# are brought up to date from PF2.
drill "pf1_lost" {
  before "traffic" {}
  before "posts" {}
  before "backup" {
    type = "full"
  }
  before "clock" {
    advance = "1h"
  }
  before "traffic" {}
  before "posts" {}
  disaster "delete_database" {
    database = "public_folder_database.PF1"
  }
  expect {
    items_back = true
  }
}

# A page of PF1 fails its checksum (JET -1018, a bad disk): PF1 is
# dismounted, restored over the damaged file (set aside first, never
# deleted) and rolled forward.
drill "pf1_bad_page" {
  before "traffic" {}
  before "posts" {}
  before "backup" {
    type = "full"
  }
  disaster "corrupt_page" {
    database = "public_folder_database.PF1"
    page     = 3
  }
}

# Two nightly backups, and the newest one turns out damaged when it is
# needed. The restore passes over it (the plan names it) and takes the one
# before, rolling forward through every log since.
drill "pf1_lost_newest_backup_damaged" {
  before "backup" {
    type = "full"
  }
  before "clock" {
    advance = "1d"
  }
  before "traffic" {}
  before "backup" {
    type = "full"
  }
  disaster "corrupt_backup" {
    storage_group = "storage_group.PF"
  }
  disaster "delete_database" {
    database = "public_folder_database.PF1"
  }
}
