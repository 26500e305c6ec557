package planner

import (
	"fmt"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// dialToneWanted reports whether a lost database should come back by
// dial tone: the configuration allows it and restoring in place would not
// fit the RTO (or no RTO is declared). Otherwise it notes why not.
func (b *builder) dialToneWanted(db *org.Database, c *org.BackupChain) bool {
	if !db.Recovery.DialTone || c == nil || len(c.Sets) == 0 {
		return false
	}
	copyBack, hard := b.restoreTime(c, b.chainReach(db, c))
	restore := copyBack + hard
	if rto := time.Duration(b.plan.Objectives.RTO); rto > 0 && restore <= rto {
		b.note("%s: dial tone is not needed: restoring in place (about %s) fits the RTO of %s.", db.Addr, RoundEstimate(restore), RoundEstimate(rto))
		return false
	}
	return true
}

// dialTone plans dial-tone recovery on the same server (EXCHANGE.md 3.9):
// an empty database mounted at once so users can send and receive, the
// old database restored into a recovery storage group and rolled forward
// through the production logs, the two swapped, the dial-tone mail merged
// back into the restored history, and the group removed.
func (b *builder) dialTone(db *org.Database, h *org.DatabaseHealth, c *org.BackupChain, damage string, parent *providers.Step,
	mount func(string, ...*providers.Step) *providers.Step) {
	addr, id := db.Addr.String(), db.Identity()
	group := addr + ".dial_tone"
	// The server's one recovery storage group first: without it, no step.
	slot, ok := b.claimRecoveryGroup(db.Server(), org.Identity(db.Server()).Join("Recovery Storage Group"), group, addr, db.Decl.Range)
	if !ok {
		return
	}
	var deps []*providers.Step
	if h.Mounted {
		deps = append(deps, b.dismountFirst(db, parent, "the damaged database is dismounted so an empty one can take its place"))
	}
	empty := after(b.add(&providers.Step{
		Verb: providers.VerbCreateEmptyDatabase, Address: addr, Identity: id, Args: map[string]string{"edb_file_path": db.EdbFilePath},
		// Not data_loss: the history comes back (restored, swapped, merged)
		// and the damaged file is set aside. Until the swap users see
		// empty mailboxes.
		Reason: fmt.Sprintf("%s; dial tone: an empty database takes its place at once (the damaged file is set aside); until the swap users see empty mailboxes, and their history follows", damage),
		Effect: providers.Irreversible,
		Command: fmt.Sprintf("Mount-Database -Identity %s -Force  # Exchange warns it will create an empty database: expected",
			psQuote(string(id))),
	}), append(deps, parent)...)
	dialTone := mount("users send and receive in the dial-tone database while the history is restored", empty)

	server := db.Server()
	rid := org.Identity(server).Join("Recovery Storage Group")
	rdb := rid.Join(db.Name)
	folder := parentPath(db.EdbFilePath) + `\exdr-dialtone`
	rsg := after(b.add(&providers.Step{
		Verb: providers.VerbCreateRecoveryGroup, Address: group, Identity: rid,
		Args:   map[string]string{"server": server, "name": "Recovery Storage Group", "log_folder_path": folder, "system_folder_path": folder},
		Reason: "a recovery storage group to restore the old database into", Effect: providers.Reversible,
		Command: fmt.Sprintf("New-StorageGroup -Server %s -Name 'Recovery Storage Group' -LogFolderPath %s -SystemFolderPath %s -Recovery",
			psQuote(server), psQuote(folder), psQuote(folder)),
	}), parent, slot)
	recDB := after(b.add(&providers.Step{
		Verb: providers.VerbCreateRecoveryDB, Address: group, Identity: rdb,
		Args:   map[string]string{"storage_group": string(rid), "name": db.Name, "edb_file_path": folder + `\` + db.Name + ".edb", "recovery_of": string(id)},
		Reason: "the recovery database for the old data", Effect: providers.Reversible,
		Command: fmt.Sprintf("New-MailboxDatabase -MailboxDatabaseToRecover %s -StorageGroup %s -EdbFilePath %s",
			psQuote(db.Name), psQuote(string(rid)), psQuote(folder+`\`+db.Name+".edb")),
	}), rsg)
	allow := after(b.add(&providers.Step{
		Verb: providers.VerbAllowFileRestore, Address: group, Identity: rdb, Args: map[string]string{"value": "true"},
		Reason: "the restore may write the recovery database", Effect: providers.Reversible,
		Command: fmt.Sprintf("Set-MailboxDatabase -Identity %s -AllowFileRestore $true", psQuote(string(rdb))),
	}), recDB)
	restore := after(b.add(&providers.Step{
		Verb: providers.VerbRestoreBackup, Address: group, Identity: rdb, Args: map[string]string{"sets": c.IDs()},
		Reason: fmt.Sprintf("restore %s into the recovery storage group while users work in the dial-tone database", c.Describe()),
		Effect: providers.Reversible,
		Command: fmt.Sprintf("# with the backup software: restore %s of %s; with a recovery storage group present, the restore goes into it",
			c.Describe(), db.StorageGroup),
	}), allow)
	hard := after(b.add(&providers.Step{
		Verb: providers.VerbHardRecovery, Address: group, Identity: rdb, Args: map[string]string{"roll_forward": "true"},
		Reason:  "hard recovery replays the restored logs and rolls forward through the production log folder, up to the disaster",
		Effect:  providers.Reversible,
		Command: fmt.Sprintf(`eseutil /cc "%s\exdr-restore\%s"`, folder, db.Name),
	}), restore)
	swap := after(b.add(&providers.Step{
		Verb: providers.VerbSwapDatabases, Address: group, Identity: id, Args: map[string]string{"rsg_database": string(rdb)},
		Reason:  "swap: the restored database becomes production again, the dial-tone one goes to the recovery storage group; both dismount, exchange files, mount",
		Effect:  providers.Downtime,
		Command: fmt.Sprintf("# Database Recovery Management: Swap databases (%s and %s): dismount both, exchange the .edb files, mount both", id, rdb),
	}), hard, dialTone)
	merge := after(b.add(&providers.Step{
		Verb: providers.VerbRestoreMailbox, Address: group, Identity: rid, Args: map[string]string{"rsg_database": string(rdb), "mailbox": "*"},
		Reason: "the mail users sent and received in dial tone is merged back into the restored database; nothing is copied twice",
		Effect: providers.Reversible, Estimate: time.Minute,
		Command: fmt.Sprintf("Get-MailboxStatistics -Database %s | %% { Restore-Mailbox -Identity $_.DisplayName -RSGDatabase %s }",
			psQuote(string(rdb)), psQuote(string(rdb))),
	}), swap)
	after(b.add(&providers.Step{
		Verb: providers.VerbRemoveRecoveryGroup, Address: group, Identity: rid,
		Reason: "the dial-tone mail is merged: the recovery storage group goes, its files kept aside", Effect: providers.Irreversible,
		Command: fmt.Sprintf("Remove-StorageGroup -Identity %s  # after Dismount-Database and Remove-MailboxDatabase; the files are set aside", psQuote(string(rid))),
	}), merge)
	b.note("%s: take a full backup of %s once the dial-tone recovery is done.", db.Addr, db.StorageGroup)
}
