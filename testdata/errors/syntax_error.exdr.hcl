server "MBX01" {
  roles = ["mailbox" "hub_transport"] # ERROR: Missing item separator
}
