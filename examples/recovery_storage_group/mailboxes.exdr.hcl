# The users whose mailboxes must exist after any recovery, from the list
# HR keeps beside this file. A mailbox that was purged comes back from its
# block here: exdr recreates it and refills it from the newest backup.
#
# The aliases are the ones the lab's mail uses (exdr lab traffic, and the
# drills' before "traffic", write to db1-user001, db1-user002, ... on DB1),
# so the walkthrough and the drills count these users' mail.

mailbox "users" {
  for_each = { for row in csvdecode(file("mailboxes.csv")) : row.alias => row }

  display_name = each.value.display_name
  owner        = "CONTOSO\\${each.key}"
  database     = mailbox_database.DB1.name
}
