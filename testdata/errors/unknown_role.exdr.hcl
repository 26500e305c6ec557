server "HUB01" {
  roles = ["hub", "client_access"] # ERROR: Unknown server role
}
