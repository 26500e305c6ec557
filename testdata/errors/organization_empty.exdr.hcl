exdr {
  organization = "" # ERROR: Empty organization name
}
