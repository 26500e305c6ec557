exdr {
  organization = " Contoso" # ERROR: Organization name with spaces at its ends
}
