provider "exchange" { # ERROR: Unknown provider type
  path = "x"
}
