server "EDGE01" {
  roles = ["edge_transport", "hub_transport"] # ERROR: Edge Transport cannot share a server
}
