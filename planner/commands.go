package planner

import (
	"fmt"

	"github.com/exdr/exdr/internal/pwsh"
	"github.com/exdr/exdr/org"
)

// psQuote quotes a value a note or a refusal names in a command, through
// the one quoter the ems scripts use: a PowerShell single-quoted
// literal, every quote character PowerShell knows doubled, nothing
// expanded. A step's own command comes from script.Show.
func psQuote(s string) string { return pwsh.Display(s) }

// dbKind is a database's kind as the step arguments name it: the ems
// scripts choose Set-MailboxDatabase or Set-PublicFolderDatabase by it.
func dbKind(db *org.Database) string {
	if db.Kind == org.PublicFolderDB {
		return "public_folder"
	}
	return "mailbox"
}

// databaseSettings are the settings the configuration manages whose live
// value differs (all of them when live is nil), as step arguments.
func databaseSettings(want, live *org.Database) map[string]string {
	args := map[string]string{}
	durs := []struct {
		key        string
		want, live *org.Duration
	}{
		{"deleted_item_retention", want.DeletedItemRetention, liveDur(live, func(d *org.Database) *org.Duration { return d.DeletedItemRetention })},
		{"mailbox_retention", want.MailboxRetention, liveDur(live, func(d *org.Database) *org.Duration { return d.MailboxRetention })},
		{"replication_interval", want.ReplicationInterval, liveDur(live, func(d *org.Database) *org.Duration { return d.ReplicationInterval })},
	}
	for _, d := range durs {
		if d.want != nil && (d.live == nil || *d.live != *d.want) {
			args[d.key] = d.want.String()
		}
	}
	bools := []struct {
		key        string
		want, live *bool
	}{
		{"allow_file_restore", want.AllowFileRestore, liveBool(live, func(d *org.Database) *bool { return d.AllowFileRestore })},
		{"retain_deleted_items_until_backup", want.RetainDeletedItemsUntilBackup, liveBool(live, func(d *org.Database) *bool { return d.RetainDeletedItemsUntilBackup })},
	}
	for _, b := range bools {
		if b.want != nil && (b.live == nil || *b.live != *b.want) {
			args[b.key] = fmt.Sprint(*b.want)
		}
	}
	return args
}

func liveDur(live *org.Database, get func(*org.Database) *org.Duration) *org.Duration {
	if live == nil {
		return nil
	}
	return get(live)
}

func liveBool(live *org.Database, get func(*org.Database) *bool) *bool {
	if live == nil {
		return nil
	}
	return get(live)
}

// replayArgs are what soft recovery (eseutil /r) of a database's files
// runs on: the storage group's log prefix and folders, and the database
// file, whose folder is eseutil's /d.
func replayArgs(prefix string, sg *org.StorageGroup, edb string) map[string]string {
	a := map[string]string{"log_file_prefix": prefix, "edb_file_path": edb}
	if sg != nil {
		a["log_folder_path"], a["system_folder_path"] = sg.LogFolderPath, sg.SystemFolderPath
	}
	return a
}

// fileOf is a database's file as the read found it (its EdbFilePath in
// Active Directory): what eseutil, a restore or a repair works on, which
// the configuration may have moved since. A database the read does not
// know is at the configuration's path.
func (b *builder) fileOf(db *org.Database) string {
	if live := b.liveIx.Database(db.Identity()); live != nil && live.EdbFilePath != "" {
		return live.EdbFilePath
	}
	return db.EdbFilePath
}

// groupOf is a database's storage group as the read found it (its log
// and system folders), or the configuration's when the read has none.
func (b *builder) groupOf(db *org.Database) *org.StorageGroup {
	if live := b.liveIx.StorageGroup(db.StorageGroup); live != nil {
		return live
	}
	return b.wantIx.StorageGroup(db.StorageGroup)
}
