exdr {
  organization = "Contoso"
  backend "pg" {}
  backend "pg" { # ERROR: Duplicate backend block
    conn_str = "postgres://exdr@db01.contoso.com/exdr"
  }
}
