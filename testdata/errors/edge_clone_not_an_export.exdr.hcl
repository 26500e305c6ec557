server "EDGE01" {
  roles = ["edge_transport"]
  edge {
    # An HCL file is no ExportEdgeConfig.ps1 output.
    cloned_config = "edge_clone_not_an_export.exdr.hcl" # ERROR: Invalid cloned configuration
  }
}
