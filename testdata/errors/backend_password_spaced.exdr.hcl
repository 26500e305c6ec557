exdr {
  organization = "Contoso"
  backend "pg" { # ERROR: A password in the configuration
    conn_str = "host=db01.contoso.com dbname=exdr password = Hunter2Secret"
  }
}
