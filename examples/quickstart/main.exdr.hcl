# Contoso's recovery configuration: the state the organization must be in
# after any recovery. Two mailbox servers, a hub/client-access server and an
# Edge server in the perimeter.

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

variable "item_retention" {
  type        = string
  default     = "14d"
  description = "How long deleted items stay recoverable by users."

  validation {
    condition     = can(regex("^[0-9]+d$", var.item_retention))
    error_message = "Give item_retention in whole days, such as \"14d\"."
  }
}

variable "restore_from" {
  type        = string
  default     = "latest"
  description = "The newest backup DB1 may come back from: \"latest\", or a time, for a point-in-time drill."
}

variable "site" {
  type    = string
  default = "HQ"
}

locals {
  mailbox_servers = ["MBX01", "MBX02"]
}

server "MBX01" {
  roles   = ["mailbox"]
  site    = var.site
  edition = "enterprise"
}

server "MBX02" {
  roles   = ["mailbox"]
  site    = var.site
  edition = "enterprise"
}

server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = var.site
}

server "EDGE01" {
  roles = ["edge_transport"]

  edge {
    cloned_config = "edge/EDGE01.xml"
  }
}
