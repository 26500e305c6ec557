# Drills: exdr drill . runs each on a copy of the lab, counts every item
# before the disaster and after the recovery, and writes a report under
# drills/.

# Ann leaves; her mailbox is disabled and, past the 30 days of mailbox
# retention, purged by the store. Then she is back (or her manager needs
# her mail). Her mailbox block is still in mailboxes.exdr.hcl, so the plan
# recreates the mailbox and refills it from the backup through a recovery
# storage group of its own, which it removes when done: every item she had
# at the backup comes back.
drill "purged_mailbox" {
  before "traffic" {
    mailboxes = 2
    items     = 10
  }
  before "backup" {
    type = "full"
  }
  disaster "disable_mailbox" {
    mailbox = "db1-user001"
  }
  disaster "clock" {
    advance = "31d"
  }
}

# Not a drill here: Ann's deleted items brought back through
# recovery.exdr.hcl. A drill builds the organization from this same
# configuration when there is no lab yet, and with
# recover_deleted_items = true that build is refused (no backup to recover
# from yet); with it false, nothing would bring the items back. The README
# walks through that recovery by hand, step by step, and
# testdata/script/example_recovery_storage_group.txtar runs it in the
# tests, counting her items.
