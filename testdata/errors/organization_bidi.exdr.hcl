exdr {
  organization = "Cont\u202Eoso" # ERROR: Invisible character in the organization name
}
