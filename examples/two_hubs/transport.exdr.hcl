# Each hub's queue database, where EdgeTransport.exe.config puts it (the
# default, C:\Program Files\Microsoft\Exchange Server\TransportRoles\data\Queue).
#
# When a hub's machine fails with mail queued and its disks survive, the
# plan stops the other hub's transport, sets that hub's own mail.que
# aside, moves the failed hub's mail.que and trn logs into its queue
# folders, starts it and lets it deliver (Retry-Queue, once the databases
# it delivers to are mounted), then gives it its own queue database back.
# Only then is the failed hub rebuilt (Setup /m:RecoverServer), with a new,
# empty mail.que: nothing is delivered twice.

queue_database "HUB01" {
  server = server.HUB01.name

  # Defragment (eseutil /d) past 30% whitespace; past 4 GB drain the
  # queues and start a new mail.que.
  max_size       = "4GB"
  max_whitespace = "30%"
}

queue_database "HUB02" {
  server         = server.HUB02.name
  max_size       = "4GB"
  max_whitespace = "30%"
}
