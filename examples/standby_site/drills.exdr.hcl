# Drills: exdr drill . runs each on a copy of the lab, counts every item
# before the disaster and after the recovery, and writes a report under
# drills/.

# HQ is lost, MBX01 and HUB01 with it, just after the last mail.
# SG1's copy on MBX02 is activated there (-Force, its source gone),
# mounted by database portability and its users re-homed: they are back
# in minutes (users_back), while MBX01 and HUB01 are rebuilt. The copy
# had every closed log generation; the generation still open on MBX01,
# never copied, is lost, as the plan states and allow_data_loss accepts.
drill "hq_lost" {
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
  disaster "lose_server" {
    server = "MBX01"
  }
  disaster "lose_server" {
    server = "HUB01"
  }
  allow_data_loss = true
  expect {
    rto        = "2h"  # the whole recovery, MBX01's rebuild included
    users_back = "15m" # the users, on MBX02
    items_back = false
  }
}

# The same loss just after the nightly backup, and then, once MBX01 is
# rebuilt, the users taken back home (failback = true: as if declared in
# SG1's standby block): the standby's database dismounted, its file
# copied home, mounted, the users re-homed, the copy seeded again. The
# copy had every generation that held mail (the open one was empty), so
# every item comes back both ways; the report gives the failback's
# outage.
drill "hq_lost_and_back" {
  before "traffic" {
    mailboxes = 2
    items     = 20
  }
  before "backup" {
    type = "full"
  }
  disaster "lose_server" {
    server = "MBX01"
  }
  allow_data_loss = true # the copy lacks the open log generation, empty here
  failback        = true
  expect {
    rto        = "2h"
    users_back = "15m"
  }
}
