server "MBX01" {
  roles = ["mailbox"]
}

drill "nothing" { # ERROR: Drill without a disaster
  before "traffic" {}
}
