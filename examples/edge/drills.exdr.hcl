# Drills: exdr drill . runs each on a copy of the lab, counts every item
# before the disaster and after the recovery, and writes a report under
# drills/.

# Users send mail to partners through EDGE01, then EDGE01 is lost whole
# (its disks and its ADAM instance gone). The plan installs the Edge
# Transport role again, validates edge/EDGE01.xml against the new server
# (ImportEdgeConfig.ps1 -IsImport $false: the answer file), imports it,
# and subscribes EDGE01 to HQ again. The mailboxes are not touched.
drill "edge01_lost" {
  before "traffic" {
    mailboxes = 2
    items     = 5
    external  = 2
  }
  disaster "lose_server" {
    server = "EDGE01"
  }
}

# Partners' mail comes in through EDGE01 and a hub, then EDGE01 is lost
# and more arrives while it is down: no MX answers, so the partners'
# servers keep it and retry. Once EDGE01 is rebuilt and subscribed, their
# next retry delivers it; the drill counts every message from outside in
# its mailbox.
drill "edge01_lost_inbound" {
  before "traffic" {
    mailboxes = 2
    items     = 2
    inbound   = 3
  }
  disaster "lose_server" {
    server = "EDGE01"
  }
  disaster "inbound" {
    mailboxes = 2
    count     = 4
  }
  expect {
    items_back         = true
    messages_delivered = true
  }
}
