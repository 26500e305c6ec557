package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// mailboxRecovery is the recovery storage group a plan makes on its own
// to refill purged mailboxes of one database: created, restored and
// mounted once, one merge per mailbox, removed after the last.
type mailboxRecovery struct {
	group   string // the steps' address
	rid     org.Identity
	rdb     org.Identity
	made    *providers.Step // the group's creation; nil when it exists
	mounted *providers.Step
	merges  []*providers.Step
}

// mailboxRecoveryFolder is under the database's folder: where a
// mailbox recovery group of exdr's own keeps its files, and how the next
// plan knows one (OwesJournal).
const mailboxRecoveryFolder = `\exdr-recovery`

// OwesJournal reports whether the live organization holds a mailbox
// recovery group of exdr's own: what a refill cut short leaves (it is
// removed after the last merge), and the only time Options.Owed matters.
// The journal is read then only: reading it on every plan costs what
// reading the organization does, at ten thousand databases.
func OwesJournal(live *org.Org) bool {
	for _, r := range live.RecoveryStorageGroups {
		if ownMailboxRecovery(r) {
			return true
		}
	}
	return false
}

func ownMailboxRecovery(r *org.RecoveryStorageGroup) bool {
	return strings.HasSuffix(strings.ToLower(r.LogFolderPath), mailboxRecoveryFolder)
}

// backupHolding returns the chain for db whose sets held the mailbox when
// taken, or nil.
func (b *builder) backupHolding(db *org.Database, alias string) *org.BackupChain {
	c := org.FindChain(b.live.Backups, db.Identity(), db.StorageGroup, db.Recovery.RestoreFrom)
	if c == nil || len(c.Sets) == 0 {
		return nil
	}
	for _, s := range c.Sets {
		if slices.ContainsFunc(s.Mailboxes[db.Identity()], func(m string) bool { return strings.EqualFold(m, alias) }) {
			return c
		}
	}
	return nil
}

// refill merges a purged mailbox's items back from the backup into its
// recreated mailbox, through the database's mailbox recovery group.
func (b *builder) refill(m *org.Mailbox, db *org.Database, c *org.BackupChain, created *providers.Step) {
	for _, r := range b.desired.RecoveryStorageGroups {
		if !strings.EqualFold(r.Server, db.Server()) {
			continue
		}
		if r.Database.Key() == db.Identity().Key() && slices.ContainsFunc(r.RestoreMailboxes, func(rm org.RestoreMailbox) bool {
			return strings.EqualFold(rm.Mailbox, m.Name) && strings.EqualFold(rm.Target, m.Name)
		}) {
			return // the declared group merges it back, after the mailbox is made
		}
		// The server's one group is the configuration's: the mailbox
		// would be made again empty while the backup holds its items.
		// The plan said "nothing is lost", and once the mailbox existed
		// the next one said "No changes" (adversarial review).
		what := fmt.Sprintf("the backup (%s) holds the purged mailbox %s, and %s declares the recovery storage group of %s, the one Exchange allows there, so exdr cannot refill it through a group of its own: the mailbox would be made again empty",
			c.Describe(), m.Name, r.Addr, db.Server())
		if !b.opts.AllowDataLoss {
			subject := m.Decl.Range
			b.refuse(m.Addr.String(), &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Recovery would lose data",
				Detail:  fmt.Sprintf("%s: %s. Add restore_mailbox %q to %s to bring its items back, or run with -allow-data-loss to make it empty.", m.Addr, what, m.Name, r.Addr),
				Subject: &subject})
			return
		}
		created.Effect, created.Consent = providers.DataLoss, "-allow-data-loss on the command line"
		created.Loss = fmt.Sprintf("every item of %s that the backup holds", m.Name)
		b.plan.Losses = append(b.plan.Losses, Loss{Address: m.Addr.String(),
			What: fmt.Sprintf("every item of the purged mailbox %s: %s holds them, and no restore_mailbox brings them back", m.Name, c.Describe())})
		return
	}
	rec := b.recoveries[db.Identity().Key()]
	if rec == nil {
		slot, ok := b.claimRecoveryGroup(db.Server(), org.Identity(db.Server()).Join("Recovery Storage Group"), db.Addr.String()+".mailbox_recovery", m.Addr.String(), m.Decl.Range)
		if !ok {
			return
		}
		if rec = b.newMailboxRecovery(m, db, c, slot); rec == nil {
			return // refused with its diagnostic
		}
		b.recoveries[db.Identity().Key()] = rec
	}
	// The backup is the only copy of a purged mailbox: what it received
	// after the newest set of the chain is gone with the purge.
	newest := c.Sets[len(c.Sets)-1].Time
	b.plan.Losses = append(b.plan.Losses, Loss{Address: m.Addr.String(), Since: newest,
		What: fmt.Sprintf("what mailbox %s received after the backup of %s (the backup is all that is left of a purged mailbox)", m.Name, newest.UTC().Format("2006-01-02 15:04Z"))})
	reason := fmt.Sprintf("the mailbox was purged; %s held it: its items are merged into the recreated mailbox", c.Describe())
	if created == nil {
		reason = fmt.Sprintf("an earlier apply made the purged mailbox again and was cut short before its items were merged back from %s (the journal says so: the empty mailbox does not)", c.Describe())
	} else {
		// The group first: a run cut short after the empty mailbox leaves
		// the group, which tells the next plan to read the journal.
		after(created, rec.made)
	}
	rec.merges = append(rec.merges, after(b.add(&providers.Step{
		Verb: providers.VerbRestoreMailbox, Address: m.Addr.String(), Identity: rec.rid,
		Args:   map[string]string{"rsg_database": string(rec.rdb), "mailbox": m.Name, "target": m.Name},
		Reason: reason,
		Loss:   fmt.Sprintf("what it received after %s", newest.UTC().Format("2006-01-02 15:04Z")),
		Effect: providers.Reversible, Estimate: b.estimate(providers.VerbRestoreMailbox, 0),
		Owed: true,
	}), rec.mounted, created))
}

// newMailboxRecovery plans the group's way to a mounted recovery
// database. A group of exdr's own that a run cut short left is taken as
// it is: what exists is not made again, and a recovery database mounted
// or in clean shutdown is not restored again.
func (b *builder) newMailboxRecovery(m *org.Mailbox, db *org.Database, c *org.BackupChain, slot *providers.Step) *mailboxRecovery {
	server := db.Server()
	rec := &mailboxRecovery{group: db.Addr.String() + ".mailbox_recovery", rid: org.Identity(server).Join("Recovery Storage Group")}
	rec.rdb = rec.rid.Join(db.Name)
	folder := parentPath(b.fileOf(db)) + mailboxRecoveryFolder
	parent := b.lastStepOf(db.Addr.String())
	var live *org.RecoveryStorageGroup
	for _, l := range b.live.RecoveryStorageGroups {
		if l.Identity().Key() == rec.rid.Key() && ownMailboxRecovery(l) && l.Health != nil {
			live = l
		}
	}
	var last *providers.Step
	if live == nil {
		rec.made = after(b.add(&providers.Step{
			Verb: providers.VerbCreateRecoveryGroup, Address: rec.group, Identity: rec.rid,
			Args:   map[string]string{"server": server, "name": "Recovery Storage Group", "log_folder_path": folder, "system_folder_path": folder},
			Reason: fmt.Sprintf("a recovery storage group to bring purged mailboxes of %s back from a backup", db.Identity()), Effect: providers.Reversible,
		}), parent, slot)
		last = rec.made
	}
	if live == nil || !live.Health.DatabaseExists {
		last = after(b.add(&providers.Step{
			Verb: providers.VerbCreateRecoveryDB, Address: rec.group, Identity: rec.rdb,
			Args:   map[string]string{"storage_group": string(rec.rid), "name": db.Name, "edb_file_path": folder + `\` + db.Name + ".edb", "recovery_of": string(db.Identity())},
			Reason: "the recovery database", Effect: providers.Reversible,
		}), last, parent, slot)
	}
	if live != nil && live.Health.Mounted {
		rec.mounted = last
		return rec
	}
	if live != nil && live.Health.FileExists && live.Health.State == org.StateClean {
		rec.mounted = after(b.add(&providers.Step{
			Verb: providers.VerbMount, Address: rec.group, Identity: rec.rdb,
			Reason: "the recovery database is mounted for Restore-Mailbox", Effect: providers.Reversible,
		}), last, parent)
		return rec
	}
	// Refused at the mailbox that needs the group: a -target of it
	// keeps the refusal.
	if !b.roomForGroupRestore(server, folder+`\`+db.Name+".edb", folder, c, db.Identity(), m.Addr.String(), fmt.Sprintf("%s, for %s (%s)", rec.group, m.Addr, rec.rdb), m.Decl.Range) {
		return nil
	}
	rdb := last
	allow := after(b.add(&providers.Step{
		Verb: providers.VerbAllowFileRestore, Address: rec.group, Identity: rec.rdb, Args: map[string]string{"value": "true"},
		Reason: "the restore may write the recovery database", Effect: providers.Reversible,
	}), rdb, parent)
	temp, env := restoreFolders(folder, db.StorageGroup)
	restore := after(b.add(&providers.Step{
		Verb: providers.VerbRestoreBackup, Address: rec.group, Identity: rec.rdb,
		Args:   map[string]string{"sets": c.IDs(), "sets_described": c.Describe(), "into": "recovery_storage_group", "backup_of": string(db.StorageGroup), "temp_folder": temp, "restore_env_folder": env},
		Reason: fmt.Sprintf("restore %s into the recovery storage group; production is not touched", c.Describe()), Effect: providers.Reversible,
	}), allow)
	hard := after(b.add(&providers.Step{
		Verb: providers.VerbHardRecovery, Address: rec.group, Identity: rec.rdb, Args: map[string]string{"roll_forward": "false", "restore_env_folder": env},
		Reason: "hard recovery stops at the backup: rolling forward would replay the purge", Effect: providers.Reversible,
	}), restore)
	rec.mounted = after(b.add(&providers.Step{
		Verb: providers.VerbMount, Address: rec.group, Identity: rec.rdb,
		Reason: "the recovery database is mounted for Restore-Mailbox", Effect: providers.Reversible,
	}), hard)
	return rec
}

// finishRecoveries removes each mailbox recovery group after its merges.
func (b *builder) finishRecoveries() {
	keys := make([]string, 0, len(b.recoveries))
	for k := range b.recoveries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		rec := b.recoveries[k]
		after(b.add(&providers.Step{
			Verb: providers.VerbRemoveRecoveryGroup, Address: rec.group, Identity: rec.rid,
			Reason: "every purged mailbox is refilled: the recovery storage group goes, its files kept aside", Effect: providers.Irreversible,
		}), rec.merges...)
	}
}
