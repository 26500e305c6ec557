provider "ems" {
  domain_controller = "dc01.contoso.com"
  backup_method     = "snapshot" # ERROR: Unknown backup_method
}
