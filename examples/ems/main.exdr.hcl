# Contoso's production organization, reached through the Exchange
# Management Shell rather than the lab. Run exdr from a management machine
# with the Exchange 2007 SP1 (or later) management tools, PowerShell 2.0,
# and WinRM 2.0 on every Exchange server (eseutil and file moves go through
# Invoke-Command). exdr builds for it: GOOS=windows go build.
#
# There are no drills here: drills need the lab, and a real organization
# is never damaged on purpose. Rehearse with a lab configuration of the
# same shape (the other examples); here, read the plan, or print it as a
# break-glass runbook: exdr plan -runbook . > runbook.md

exdr {
  organization = "Contoso"

  objectives {
    rto = "4h"  # disaster to service restored
    rpo = "15m" # the newest mail we accept to lose
  }
}

# The shell exdr runs (with -NoProfile -NonInteractive -Command -, the
# script on stdin). A variable only so that the tests can put a stand-in
# in its place (EXDR_VAR_powershell=fakepowershell): leave it alone.
variable "powershell" {
  type        = string
  default     = "powershell.exe"
  description = "The PowerShell executable exdr runs the Exchange Management Shell scripts with."
}

provider "ems" {
  powershell = var.powershell

  # Every cmdlet reads and writes through this domain controller, so a
  # plan and its apply see the same directory while replication catches up.
  domain_controller = "dc01.contoso.com"

  # Restores are done by a person with the site's backup software (NTBackup
  # here, through the streaming API): exdr stops at each restore with what
  # to restore and where, then checks the files and runs hard recovery
  # (eseutil /cc on restore.env).
  backup_restore = "manual"
  backup_method  = "streaming"
}

server "MBX01" {
  roles   = ["mailbox"]
  site    = "HQ"
  edition = "enterprise"
}

server "MBX02" {
  roles   = ["mailbox"]
  site    = "HQ"
  edition = "enterprise"
}

# A rebuilt Mailbox server's databases are mounted only once a Hub
# Transport and a Client Access server of its site answer.
server "HUB01" {
  roles = ["hub_transport", "client_access"]
  site  = "HQ"
}
