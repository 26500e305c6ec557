# Contoso's Edge Transport server EDGE01 sits in the perimeter network and
# relays mail between the hub and the Internet. Its configuration (its
# send connectors to the ISP's smart host, its agents, its log paths)
# lives in its own ADAM instance, not in Active Directory: a lost Edge
# server comes back only from an export of it (ExportEdgeConfig.ps1), so
# the export is kept in this repository, in edge/EDGE01.xml, and written
# again whenever the server changes (exdr edge export).

exdr {
  organization = "Contoso"

  objectives {
    rto = "4h"  # disaster to service restored
    rpo = "15m" # the newest mail we accept to lose
  }
}

provider "lab" {
  path = ".exdr/lab"
}

server "MBX01" {
  roles = ["mailbox"]
  site  = "HQ"
}

# The hub EDGE01 is subscribed to: EdgeSync pushes recipients and
# connectors from here to EDGE01.
server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}

# Edge Transport is installed alone, outside the domain: no site.
server "EDGE01" {
  roles = ["edge_transport"]

  edge {
    # Rebuilt, EDGE01 takes this export (validated first, then imported),
    # then is subscribed to HQ again. Without it exdr refuses to rebuild.
    cloned_config = "edge/EDGE01.xml"
  }
}

storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"
}

mailbox_database "DB1" {
  storage_group          = storage_group.SG1.name
  edb_file_path          = "E:\\Exchange\\SG1\\DB1.edb"
  deleted_item_retention = "14d"
}
