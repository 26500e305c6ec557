exdr {
  organization = "Contoso"
  backend "pg" { # ERROR: A password in the configuration
    conn_str = "postgres://exdr:s3cret@db01.contoso.com/exdr"
  }
}
