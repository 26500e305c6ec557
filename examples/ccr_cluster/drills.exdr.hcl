# Drills: exdr drill . runs each on a copy of the lab, counts every item
# before the disaster and after the recovery, and writes a report under
# drills/.

# NODE2, the passive node, is lost: CMS1 runs on, nothing is lost; NODE2
# is rebuilt with the passive role and SG1's copy seeded on it again.
drill "passive_node_lost" {
  before "traffic" {
    mailboxes = 2
    items     = 20
  }
  disaster "lose_server" {
    server = "NODE2"
  }
  expect {
    rto = "2h"
  }
}

# NODE1, where CMS1 runs, is lost just after mail arrived: the cluster
# fails CMS1 over to NODE2 at once. Its copy lacked only the log
# generation still open on NODE1 (3 or fewer: good_availability), so
# DB1 mounts there on its own, losing the 6 items of that generation;
# the plan states the loss, rebuilds NODE1, seeds its copy and moves
# CMS1 back (active_node) with nothing more lost.
drill "active_node_lost" {
  before "traffic" {
    mailboxes = 2
    items     = 20
  }
  before "backup" {
    type = "full"
  }
  before "traffic" {
    mailboxes = 2
    items     = 3
  }
  disaster "lose_server" {
    server = "NODE1"
  }
  allow_data_loss = true # the open log generation, lost with NODE1
  expect {
    rto        = "2h"
    items_back = false
  }
}

# Both nodes are lost: CMS1 is recovered on a new failover cluster with
# Setup /RecoverCMS, DB1 restored from the nightly backup, its copy
# seeded. The mail since the backup went with both nodes' logs.
drill "cluster_lost" {
  before "traffic" {
    mailboxes = 2
    items     = 20
  }
  before "backup" {
    type = "full"
  }
  before "traffic" {
    mailboxes = 2
    items     = 3
  }
  disaster "lose_server" {
    server = "CMS1"
  }
  allow_data_loss = true # what arrived after the backup
  expect {
    rto        = "2h"
    items_back = false
  }
}
