# A connection string that reads as neither a URL nor key=value words is
# named as such; it was said to hold a password.
exdr {
  organization = "Contoso"

  backend "pg" { # ERROR: Unreadable connection string
    conn_str = "db01.contoso.com/exdr"
  }
}
