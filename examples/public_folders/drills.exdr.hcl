# Drills: exdr drill . runs each on a copy of the lab and writes a report
# under drills/. A drill passes when the recovery fits the rto, loses
# nothing past the rpo, and the organization matches this configuration
# afterwards: PF1 restored, clean and mounted, and AllowFileRestore off
# again.
#
# What they cannot count: the lab keeps no content in public folders
# (exdr lab traffic delivers to mailbox databases only), so "items back"
# counts DB1's mail, which a recovery of PF1 must leave alone; whether
# PF1's folders came back is not measured.

# PF1's file is deleted an hour after the nightly backup: the full backup
# of "Public Folders" is restored and rolled forward through the logs.
drill "pf1_lost" {
  before "traffic" {}
  before "backup" {
    type = "full"
  }
  before "clock" {
    advance = "1h"
  }
  before "traffic" {}
  disaster "delete_database" {
    database = "public_folder_database.PF1"
  }
}

# A page of PF1 fails its checksum (JET -1018, a bad disk): PF1 is
# dismounted, restored over the damaged file (set aside first, never
# deleted) and rolled forward.
drill "pf1_bad_page" {
  before "traffic" {}
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
