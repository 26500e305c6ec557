exdr {
  organization = "Contoso"
  backend "pgsql" {} # ERROR: Unknown backend type
}
