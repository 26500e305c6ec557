provider "ems" {
  domain_controller = "dc01.contoso.com"
  backup_restore    = "netbackup" # ERROR: Unknown backup_restore
}
