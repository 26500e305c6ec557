server "HUB01" {
  roles = ["hub_transport"]
}

queue_database "HUB01" {
  server   = server.HUB01.name
  max_size = "16KB" # ERROR: max_size below 1MB
}
