# Contoso's mail runs on CMS1, a clustered mailbox server with cluster
# continuous replication (CCR): two nodes, NODE1 and NODE2, each with its
# own copy of every storage group. The server runs on one node; the
# replication service keeps the other's copy a closed log generation
# behind.
#
# When the node it runs on is lost, the cluster moves CMS1 to the other
# node at once, and its databases mount there if no copy lacks more log
# generations than AutoDatabaseMountDial allows (good_availability:
# three). exdr plan then shows the move and rebuilds the lost node, its
# copies seeded again. With every node lost, it recovers CMS1 on a new
# cluster (Setup /RecoverCMS) and its databases from their backups. See
# drills.exdr.hcl.

exdr {
  organization = "Contoso"

  objectives {
    rto = "2h"
    rpo = "15m"
  }
}

provider "lab" {
  path = ".exdr/lab"
}

server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}

clustered_mailbox_server "CMS1" {
  type                     = "ccr"
  nodes                    = ["NODE1", "NODE2"]
  auto_database_mount_dial = "good_availability"
  site                     = "HQ"
  ip_address               = "10.0.0.25" # for Setup /NewCms and /RecoverCMS

  # Where CMS1 runs when both nodes do: after a failover, once NODE1 is
  # rebuilt and its copies seeded, the plan moves CMS1 back there
  # (Move-ClusteredMailboxServer, a scheduled outage: nothing lost).
  active_node = "NODE1"
}

storage_group "SG1" {
  server          = clustered_mailbox_server.CMS1.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group = storage_group.SG1.name
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}

mailbox "users" {
  for_each = toset(["alice", "bob"])
  owner    = "CONTOSO\\${each.key}"
  database = mailbox_database.DB1.name
}
