# Ann (db1-user001) asks for mail she deleted three weeks ago. It has left
# the dumpster (14 days), so only the backup has it. To bring it back:
#
#   exdr plan  -var recover_deleted_items=true .
#   exdr apply -var recover_deleted_items=true .
#
# The plan creates a recovery storage group on MBX01, restores DB1's newest
# backup into it (production is not touched, users keep working),
# mounts it, merges Ann's mailbox from it into a "Recovered Items" folder
# of her own mailbox (Restore-Mailbox -TargetFolder; an item she still has
# is not copied again), then removes the group, its files kept aside.
# The merge is recorded, so running it again plans nothing. That holds
# for a second request too: then give target_folder a new name
# ("Recovered Items 2"), or the block plans nothing.
#
# Why a variable rather than a block kept here for good: a recovery
# storage group needs a backup to restore from, and exdr refuses a
# configuration that declares one where no backup exists yet ("No backup
# to recover from"), such as a server being built. Day to day it is false.

variable "recover_deleted_items" {
  type        = bool
  default     = false
  description = "Bring db1-user001's purged items back from the newest backup into her Recovered Items folder."
}

recovery_storage_group "RSG" {
  # The group exists only while a recovery needs it: one per server.
  for_each = var.recover_deleted_items ? toset(["RSG"]) : toset([])

  name             = "Recovery Storage Group"
  server           = server.MBX01.name
  database         = mailbox_database.DB1.name
  log_folder_path  = "R:\\RSG" # room for a copy of DB1 and its logs
  remove_when_done = true

  # Her whole mailbox as the backup has it; start_date, end_date and
  # subject_keywords narrow it when she remembers more.
  restore_mailbox "db1-user001" {
    target_folder = "Recovered Items"
  }
}
