server "HUB01" {
  roles = ["hub_transport"]
}

server "HUB02" {
  roles = ["hub_transport"]
}

queue_database "HUB01" {
  server   = server.HUB01.name
  max_size = "16KB" # ERROR: max_size below 1MB
}

# 0B read as no limit, while 16KB was refused.
queue_database "HUB02" {
  server   = server.HUB02.name
  max_size = "0B" # ERROR: max_size below 1MB
}
