package planner

import (
	"fmt"
	"strings"
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

// dialToneStage is how far a dial-tone recovery has come, as the live
// organization shows it: an interrupted one is taken up where it stands,
// never begun again (a second empty database would put the first one's
// mail aside, and a fresh restore plan would overwrite the dial-tone
// database with the old history).
type dialToneStage int

const (
	dialToneBegin    dialToneStage = iota // the damaged database is still in place
	dialToneRunning                       // the empty database stands; the history is in the backups
	dialToneSwapping                      // the swap is under way
)

// dialTone plans dial-tone recovery on the same server (EXCHANGE.md 3.9):
// an empty database mounted at once so users can send and receive, the
// old database restored into a recovery storage group and rolled forward
// through the production logs, the two swapped, the dial-tone mail merged
// back into the restored history, and the group removed. From a later
// stage it plans what remains.
func (b *builder) dialTone(db *org.Database, h *org.DatabaseHealth, c *org.BackupChain, damage string, parent *providers.Step,
	mount func(string, ...*providers.Step) *providers.Step, stage dialToneStage) {
	addr, id := db.Addr.String(), db.Identity()
	group := addr + ".dial_tone"
	server := db.Server()
	rid := org.Identity(server).Join("Recovery Storage Group")
	if stage == dialToneSwapping {
		parts := h.Swap.RecoveryDatabase.Parts()
		rid = org.Identity(strings.Join(parts[:len(parts)-1], `\`))
	}
	rdb := rid.Join(db.Name)
	// The server's one recovery storage group first: without it, no step.
	slot, ok := b.claimRecoveryGroup(server, rid, group, addr, db.Decl.Range)
	if !ok {
		return
	}
	if stage != dialToneSwapping {
		folder := parentPath(b.fileOf(db)) + `\exdr-dialtone`
		if !b.roomForGroupRestore(server, folder+`\`+db.Name+".edb", folder, c, id, addr, fmt.Sprintf("%s (%s)", addr, id), db.Decl.Range) {
			return // before the empty database: nothing half done
		}
	}
	var swap *providers.Step
	if stage == dialToneSwapping {
		swap = after(b.add(&providers.Step{
			Verb: providers.VerbSwapDatabases, Address: group, Identity: id, Args: map[string]string{"rsg_database": string(rdb)},
			Reason: fmt.Sprintf("a dial-tone swap of %s and %s was interrupted: it is finished (both dismount, the files go to their places, both mount)", id, rdb),
			Effect: providers.Downtime,
		}), parent)
	} else {
		swap = b.dialToneRestore(db, h, c, damage, parent, mount, stage, slot, rid)
	}
	b.dialToneMerge(db, rid, group, "", swap)
	b.note("%s: take a full backup of %s once the dial-tone recovery is done.", db.Addr, db.StorageGroup)
}

// dialToneRestore plans dial tone up to the swap: the empty database
// (unless it stands already) and the history restored beside it.
func (b *builder) dialToneRestore(db *org.Database, h *org.DatabaseHealth, c *org.BackupChain, damage string, parent *providers.Step,
	mount func(string, ...*providers.Step) *providers.Step, stage dialToneStage, slot *providers.Step, rid org.Identity) *providers.Step {
	addr, id := db.Addr.String(), db.Identity()
	group := addr + ".dial_tone"
	server := db.Server()
	rdb := rid.Join(db.Name)
	dialTone := parent
	switch {
	case stage == dialToneBegin:
		var deps []*providers.Step
		if h.Mounted {
			deps = append(deps, b.dismountFirst(db, parent, "the damaged database is dismounted so an empty one can take its place"))
		}
		empty := after(b.add(&providers.Step{
			Verb: providers.VerbCreateEmptyDatabase, Address: addr, Identity: id, Args: map[string]string{"edb_file_path": b.fileOf(db)},
			// Not data_loss: the history comes back (restored, swapped, merged)
			// and the damaged file is set aside. Until the swap users see
			// empty mailboxes.
			Reason: fmt.Sprintf("%s; dial tone: an empty database takes its place at once (the damaged file is set aside); until the swap users see empty mailboxes, and their history follows", damage),
			Effect: providers.Irreversible,
		}), append(deps, parent)...)
		dialTone = mount("users send and receive in the dial-tone database while the history is restored", empty)
	case !h.Mounted && db.Mounted:
		dialTone = mount(damage + "; it is mounted so users send and receive in it while the history is restored")
	}

	folder := parentPath(b.fileOf(db)) + `\exdr-dialtone`
	rsg := after(b.add(&providers.Step{
		Verb: providers.VerbCreateRecoveryGroup, Address: group, Identity: rid,
		Args:   map[string]string{"server": server, "name": "Recovery Storage Group", "log_folder_path": folder, "system_folder_path": folder},
		Reason: "a recovery storage group to restore the old database into", Effect: providers.Reversible,
	}), parent, slot)
	if stage == dialToneRunning {
		rsg.Reason = damage + "; " + rsg.Reason
	}
	recDB := after(b.add(&providers.Step{
		Verb: providers.VerbCreateRecoveryDB, Address: group, Identity: rdb,
		Args:   map[string]string{"storage_group": string(rid), "name": db.Name, "edb_file_path": folder + `\` + db.Name + ".edb", "recovery_of": string(id)},
		Reason: "the recovery database for the old data", Effect: providers.Reversible,
	}), rsg)
	allow := after(b.add(&providers.Step{
		Verb: providers.VerbAllowFileRestore, Address: group, Identity: rdb, Args: map[string]string{"value": "true"},
		Reason: "the restore may write the recovery database", Effect: providers.Reversible,
	}), recDB)
	temp, env := restoreFolders(folder, db.StorageGroup)
	restore := after(b.add(&providers.Step{
		Verb: providers.VerbRestoreBackup, Address: group, Identity: rdb,
		Args:   map[string]string{"sets": c.IDs(), "sets_described": c.Describe(), "into": "recovery_storage_group", "backup_of": string(db.StorageGroup), "temp_folder": temp, "restore_env_folder": env},
		Reason: fmt.Sprintf("restore %s into the recovery storage group while users work in the dial-tone database", c.Describe()),
		Effect: providers.Reversible,
	}), allow)
	hard := after(b.add(&providers.Step{
		Verb: providers.VerbHardRecovery, Address: group, Identity: rdb, Args: map[string]string{"roll_forward": "true", "restore_env_folder": env},
		Reason: "hard recovery replays the restored logs and rolls forward through the production log folder, up to the disaster",
		Effect: providers.Reversible,
	}), restore)
	return after(b.add(&providers.Step{
		Verb: providers.VerbSwapDatabases, Address: group, Identity: id, Args: map[string]string{"rsg_database": string(rdb)},
		Reason: "swap: the restored database becomes production again, the dial-tone one goes to the recovery storage group; both dismount, exchange files, mount",
		Effect: providers.Downtime,
	}), hard, dialTone)
}

// dialToneMerge plans the end of dial tone, after the swap: the mail
// users sent and received in the dial-tone database (now in the recovery
// group) merged into the restored one, and the group removed.
func (b *builder) dialToneMerge(db *org.Database, rid org.Identity, group, why string, deps ...*providers.Step) {
	rdb := rid.Join(db.Name)
	merge := after(b.add(&providers.Step{
		Verb: providers.VerbRestoreMailbox, Address: group, Identity: rid,
		Args:   map[string]string{"rsg_database": string(rdb), "mailbox": "*", "production_database": string(db.Identity())},
		Reason: why + "the mail users sent and received in dial tone is merged back into the restored database; nothing is copied twice",
		Effect: providers.Reversible, Estimate: time.Minute,
		// Every user of the production database (Get-Mailbox lists no
		// system mailbox, which Restore-Mailbox refuses).
	}), deps...)
	after(b.add(&providers.Step{
		Verb: providers.VerbRemoveRecoveryGroup, Address: group, Identity: rid,
		Reason: "the dial-tone mail is merged: the recovery storage group goes, its files kept aside", Effect: providers.Irreversible,
	}), merge)
}

// historyInBackups returns the backup chain that holds a mailbox
// database's history when the file at its path was created after the
// full backup the chain starts from: a dial-tone database whose recovery
// was interrupted, or an empty one mounted by hand in place of a lost
// file. What the file does not hold is in those backups.
//
// The chain is the newest taken before the file was made: a backup of
// the new, empty file (the nightly job runs meanwhile) holds none of the
// history, and taking the newest chain, the plan said "No changes" once
// one ran (adversarial review). restore_from, when set, names the chain
// instead: a time after the file was made keeps the database as it is.
func (b *builder) historyInBackups(db *org.Database, h *org.DatabaseHealth) *org.BackupChain {
	if db.Kind != org.MailboxDB || h.Created.IsZero() || !h.FileExists || len(h.BadPages) > 0 || h.Restore != nil {
		return nil
	}
	before := db.Recovery.RestoreFrom
	if before.IsZero() {
		before = h.Created
	}
	c := org.FindChain(b.live.Backups, db.Identity(), db.StorageGroup, before)
	if c == nil || len(c.Sets) == 0 || !c.Sets[0].Time.Before(h.Created) {
		return nil
	}
	return c
}

// historyDamage says why a database whose history is in the backups is
// recovered by dial tone.
func (b *builder) historyDamage(db *org.Database, h *org.DatabaseHealth, c *org.BackupChain) string {
	return fmt.Sprintf("the file at %s was created %s, after %s: the history of %s is in the backups, not in the file (a dial tone interrupted, or an empty database mounted in place of a lost one); "+
		"it comes back as dial tone brings it: restored beside, swapped in, the newer mail merged",
		b.fileOf(db), h.Created.UTC().Format("2006-01-02 15:04:05Z"), c.Sets[0], db.Identity())
}

// swappedDialTone returns the live recovery storage group that holds a
// swapped dial-tone database of db not yet merged and removed: the
// group's database recovers db, and its file was created after
// production's (the dial-tone file is newer than the restored history).
func (b *builder) swappedDialTone(db *org.Database, h *org.DatabaseHealth) *org.RecoveryStorageGroup {
	if h.Created.IsZero() || h.Swap != nil {
		return nil
	}
	for _, r := range b.live.RecoveryStorageGroups {
		if r.Health != nil && r.Health.FileExists && r.Database.Key() == db.Identity().Key() && r.Health.Created.After(h.Created) {
			return r
		}
	}
	return nil
}

// finishSwappedDialTone plans what remains of a dial tone interrupted
// after its swap: the dial-tone mail merged from the recovery group and
// the group removed.
func (b *builder) finishSwappedDialTone(db *org.Database, r *org.RecoveryStorageGroup) {
	addr := db.Addr.String()
	group := addr + ".dial_tone"
	slot, ok := b.claimRecoveryGroup(db.Server(), r.Identity(), group, addr, db.Decl.Range)
	if !ok {
		return
	}
	rdb := r.Identity().Join(db.Name)
	why := fmt.Sprintf("a dial tone was interrupted after its swap: %s holds the dial-tone database (created %s, after the restored %s); ",
		rdb, r.Health.Created.UTC().Format("2006-01-02 15:04:05Z"), db.Identity())
	deps := []*providers.Step{slot, b.lastStepOf(addr)}
	if !r.Health.Mounted {
		deps = append(deps, after(b.add(&providers.Step{
			Verb: providers.VerbMount, Address: group, Identity: rdb,
			Reason: why + "it is mounted so that its mail can be merged back", Effect: providers.Reversible,
		}), deps...))
	}
	b.dialToneMerge(db, r.Identity(), group, why, deps...)
}
