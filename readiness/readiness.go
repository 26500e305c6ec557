package readiness

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

// Finding is one thing that stands between the organization and a
// recovery within its objectives.
type Finding struct {
	Rule     string    `json:"rule"`              // stable name, for monitoring
	Address  string    `json:"address,omitempty"` // the configuration block it concerns, if any
	Identity string    `json:"identity"`          // the Exchange object
	Range    hcl.Range `json:"-"`
	Message  string    `json:"message"` // what is wrong
	Fix      string    `json:"fix"`     // what to do
}

// Rules are the checks, by name, in the order they run.
var Rules = []string{"database_unreadable", "history_in_backups", "backup_unverified", "backup_missing", "backup_before_restore", "backup_cannot_roll_forward", "backup_too_old", "circular_logging", "retention_drift", "mailbox_disconnected", "leftover_recovery_group", "restore_space", "edge_export", "standby_copy", "cluster_copy", "back_pressure", "public_folder_replica"}

// Check compares the live organization with the configuration. It never
// changes either.
func Check(desired, live *org.Org) []Finding {
	c := &checker{desired: desired, live: live, ix: org.NewIndex(live)}
	c.backups()
	c.retention()
	c.mailboxes()
	c.leftovers()
	c.space()
	c.edge()
	c.copies()
	c.clusterCopies()
	c.backPressure()
	c.publicFolderReplicas()
	return c.out
}

type checker struct {
	desired, live *org.Org
	ix            *org.Index
	out           []Finding
}

func (c *checker) add(rule string, addr string, id org.Identity, rng hcl.Range, fix, format string, args ...any) {
	c.out = append(c.out, Finding{Rule: rule, Address: addr, Identity: string(id), Range: rng, Message: fmt.Sprintf(format, args...), Fix: fix})
}

// backups: every database needs a backup chain a restore could use (the
// same one the planner would pick), recent enough for the RPO, and its
// storage group's logs kept (no circular logging) so that a restore rolls
// forward to the failure.
func (c *checker) backups() {
	rpo := time.Duration(c.desired.Objectives.RPO)
	for _, db := range c.desired.Databases {
		chain := org.FindChain(c.live.Backups, db.Identity(), db.StorageGroup, time.Time{})
		l := c.ix.Database(db.Identity())
		switch {
		case l != nil && l.Health != nil && l.Health.Unreadable != "":
			c.add("database_unreadable", db.Addr.String(), db.Identity(), db.Decl.Range, "make its server answer, then check again",
				"exdr could not read it (%s): whether a backup could bring it back is not known", l.Health.Unreadable)
		case c.historyInBackups(db, l) != "":
			c.add("history_in_backups", db.Addr.String(), db.Identity(), db.Decl.Range, "run exdr plan: it restores the history beside the database and merges the new mail into it (dial tone)",
				"%s", c.historyInBackups(db, l))
		case (chain == nil || len(chain.Sets) == 0) && l != nil && l.Health != nil && l.Health.StampsUnread && !l.Health.LastFull.IsZero():
			// (With no full backup recorded by the store at all, it has
			// none: backup_missing below says so.)
			c.add("backup_unverified", db.Addr.String(), db.Identity(), db.Decl.Range, "check the backup software's catalog for it, or check again while it is dismounted",
				"the store records a full backup at %s, but the backup stamps of a mounted database cannot be read (eseutil /mh needs the file closed): which backups hold it is not known",
				l.Health.LastFull.UTC().Format("2006-01-02 15:04Z"))
		case chain == nil || len(chain.Sets) == 0:
			why := ""
			if chain != nil {
				why = " (passed over: " + strings.Join(chain.Skipped, "; ") + ")"
			}
			c.add("backup_missing", db.Addr.String(), db.Identity(), db.Decl.Range, "take a full backup of its storage group",
				"no usable backup holds it%s: lost, it comes back empty or not at all", why)
		case c.restoredSince(db, chain) != "":
			c.add("backup_before_restore", db.Addr.String(), db.Identity(), db.Decl.Range, "take a full backup of its storage group",
				"%s", c.restoredSince(db, chain))
		case c.breaks(db, chain) != "":
			fix := "take a full backup of its storage group"
			if sg := c.ix.StorageGroup(db.StorageGroup); sg != nil && sg.Health != nil && !sg.Health.FolderExists {
				fix = "run exdr plan to recover it (its logs since the backup are gone), then take a full backup of its storage group"
			}
			c.add("backup_cannot_roll_forward", db.Addr.String(), db.Identity(), db.Decl.Range, fix,
				"%s", c.breaks(db, chain))
		case rpo > 0 && !c.live.Now.IsZero() && c.live.Now.Sub(chain.Sets[len(chain.Sets)-1].Time) > rpo:
			fix, msg := c.tooOld(db, chain.IDs(), overAge(c.live.Now.Sub(chain.Sets[len(chain.Sets)-1].Time), rpo), org.Duration(rpo))
			c.add("backup_too_old", db.Addr.String(), db.Identity(), db.Decl.Range, fix, "%s", msg)
		}
	}
	for _, sg := range c.desired.StorageGroups {
		if !c.holdsDatabases(sg.Identity()) {
			continue
		}
		if c.circular(sg) {
			c.add("circular_logging", sg.Addr.String(), sg.Identity(), sg.Decl.Range, "set circular_logging = false and take a full backup",
				"circular logging is on: only full backups are possible and a restore cannot roll forward to the failure")
		}
	}
}

// overAge is an age over the objective as a finding shows it: to the
// minute, or rounded up to the second where the minute would show it no
// older than the objective ("02:00:00 old" against an objective of
// 02:00:00).
func overAge(age, objective time.Duration) org.Duration {
	if m := age.Round(time.Minute); m > objective {
		return org.Duration(m)
	}
	s := age.Truncate(time.Second)
	if s < age {
		s += time.Second
	}
	return org.Duration(s)
}

// historyInBackups says when the file at a mailbox database's path was
// made after a backup that holds the database, as the planner measures
// it (planner/dialtone.go): an empty database mounted in place of a lost
// one, whose history only that backup holds; or "".
func (c *checker) historyInBackups(db *org.Database, l *org.Database) string {
	if db.Kind != org.MailboxDB || l == nil || l.Health == nil || l.Health.Created.IsZero() || !l.Health.FileExists || l.Health.Restore != nil {
		return ""
	}
	before := db.Recovery.RestoreFrom
	if before.IsZero() {
		before = l.Health.Created
	}
	chain := org.FindChain(c.live.Backups, db.Identity(), db.StorageGroup, before)
	if chain == nil || len(chain.Sets) == 0 || !chain.Sets[0].Time.Before(l.Health.Created) {
		return ""
	}
	return fmt.Sprintf("the file at its path was created %s, after the backup %s that holds it: its history is in that backup, not in the file (an empty database mounted in place of a lost one, or a dial tone not finished)",
		l.Health.Created.UTC().Format("2006-01-02 15:04Z"), chain.IDs())
}

// tooOld says what an old backup risks and what to do, given the standby
// copy the database's storage group keeps. The logs roll a restore
// forward past the backup only while they survive: with the server (or
// circular logging) they do not, and the backup is as far as recovery
// goes. An SCR copy on another server keeps them through the loss of the
// server, but not through a logical corruption (a bad import, a virus),
// which it copies and replays too: the backup is still needed, and the
// advice never asks for the copy the configuration already keeps. An LCR
// copy is on the server itself.
func (c *checker) tooOld(db *org.Database, ids string, age, rpo org.Duration) (fix, msg string) {
	old := fmt.Sprintf("its newest usable backup (%s) is %s old", ids, age)
	server, sg := db.Server(), c.desiredGroup(db.StorageGroup)
	var cp *org.StandbyCopy
	if sg != nil {
		cp = sg.Copy
	}
	switch {
	case cp == nil:
		return "back it up at least as often as the recovery point objective, or keep its logs on another server (standby copy)",
			fmt.Sprintf("%s; if the server is lost with its logs, that much mail is lost, and the recovery point objective is %s", old, rpo)
	case cp.Local:
		return "back it up at least as often as the recovery point objective, or keep its logs on another server: a standby block (SCR) in place of its LCR copy",
			fmt.Sprintf("%s; its LCR copy at %s covers the loss of a disk, not of %s: if %s is lost with its logs, that much mail is lost, and the recovery point objective is %s",
				old, cp.Path, server, server, rpo)
	case !c.keepsLogs(sg):
		return fmt.Sprintf("put its SCR copy on %s right (standby_copy), and back it up at least as often as the recovery point objective: the copy does not replace backups", cp.Machine),
			fmt.Sprintf("%s; its SCR copy on %s does not hold every closed log generation now (standby_copy): if %s is lost with its logs, that much mail is lost, and the recovery point objective is %s",
				old, cp.Machine, server, rpo)
	}
	replay := "replays at once"
	if cp.ReplayLag > 0 {
		replay = fmt.Sprintf("replays after its replay lag (%s)", cp.ReplayLag)
	}
	return "back it up at least as often as the recovery point objective: the standby copy does not replace backups",
		fmt.Sprintf("%s, over the recovery point objective of %s; its SCR copy on %s covers the loss of %s (every closed log generation is copied there), "+
			"not a logical corruption (a bad import, a virus, mass deletions), which the copy receives too and %s: against that, recovery starts from the backup",
			old, rpo, cp.Machine, server, replay)
}

// desiredGroup is the configuration's storage group of that identity, or
// nil.
func (c *checker) desiredGroup(id org.Identity) *org.StorageGroup {
	for _, sg := range c.desired.StorageGroups {
		if sg.Identity().Key() == id.Key() {
			return sg
		}
	}
	return nil
}

// restoredSince says when the database's file records an older full
// backup than the newest its chain starts from: it was restored since
// (the plan said to take a full backup once restored); or "".
func (c *checker) restoredSince(db *org.Database, chain *org.BackupChain) string {
	l := c.ix.Database(db.Identity())
	full := chain.Sets[0]
	if l == nil || l.Health == nil || !l.Health.FileExists || full.Type != org.BackupFull || !l.Health.LastFull.Before(full.Time.Add(-time.Second)) {
		return ""
	}
	was := "none"
	if !l.Health.LastFull.IsZero() {
		was = l.Health.LastFull.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("it was restored since its newest full backup (%s, %s): its file records the full backup of %s; "+
		"Exchange takes no incremental or differential backup of it until a full one", full.ID, full.Time.UTC().Format(time.RFC3339), was)
}

// breaks says why a restore of the chain could not roll forward through
// the live logs to the present (the measure the planner uses), or "".
// After a restore onto a rebuilt server the log stream starts again past
// a gap; the plan says to take a full backup, and so does the check.
func (c *checker) breaks(db *org.Database, chain *org.BackupChain) string {
	sg := c.ix.StorageGroup(db.StorageGroup)
	if sg == nil || sg.Health == nil || sg.CircularLogging {
		return "" // nothing is known of its logs, or circular_logging says it
	}
	reach, gap := sg.Health.RollForward(chain.Covers, chain.LogSignature())
	if gap == 0 {
		return ""
	}
	if !sg.Health.FolderExists {
		return fmt.Sprintf("a restore of its newest backup chain (%s) rolls forward only to log generation %d: the log folder is gone (%s); everything logged since would be lost",
			chain.IDs(), reach, sg.LogFolderPath)
	}
	why := "is missing from the log folder"
	if sg.Health.Emptied() {
		why = "is missing: the log folder holds no log at all"
	}
	if slices.Contains(sg.Health.Corrupt, gap) {
		why = "fails its checksums"
	}
	return fmt.Sprintf("a restore of its newest backup chain (%s) rolls forward only to log generation %d: generation %d %s "+
		"(the log stream started again after a restore or a rebuild, or logs were lost); everything logged since would be lost", chain.IDs(), reach, gap, why)
}

func (c *checker) holdsDatabases(sg org.Identity) bool {
	return slices.ContainsFunc(c.desired.Databases, func(db *org.Database) bool { return db.StorageGroup.Key() == sg.Key() })
}

// circular is what the live group does, or, before it exists, what the
// configuration asks for.
func (c *checker) circular(sg *org.StorageGroup) bool {
	if l := c.ix.StorageGroup(sg.Identity()); l != nil {
		return l.CircularLogging
	}
	return sg.CircularLogging
}

// retention: a value that differs from the configuration means deleted
// items or mailboxes are kept for a time nobody agreed to.
func (c *checker) retention() {
	for _, db := range c.desired.Databases {
		l := c.ix.Database(db.Identity())
		if l == nil {
			continue
		}
		for _, r := range []struct {
			name       string
			want, have *org.Duration
		}{
			{"deleted_item_retention", db.DeletedItemRetention, l.DeletedItemRetention},
			{"mailbox_retention", db.MailboxRetention, l.MailboxRetention},
		} {
			if r.want != nil && r.have != nil && *r.want != *r.have {
				c.add("retention_drift", db.Addr.String(), db.Identity(), attrRange(db.Decl, r.name), "run exdr apply to set it back, or change the configuration",
					"%s is %s, the configuration says %s", r.name, *r.have, *r.want)
			}
		}
	}
}

// mailboxes: a mailbox's own retention (Set-Mailbox) differing from its
// block keeps its deleted items for a time nobody agreed to, as a
// database's does; and a configured mailbox disconnected (disabled, or
// its account deleted) is purged, with every item, once the mailbox
// retention has passed.
func (c *checker) mailboxes() {
	for _, m := range c.desired.Mailboxes {
		for _, l := range c.live.Mailboxes {
			if l.Health == nil || !sameMailbox(l, m) {
				continue
			}
			switch {
			case l.Health.InDirectory:
				if drift := mailboxDrift(m, l); len(drift) > 0 {
					rng := m.Decl.Range
					for _, a := range []string{"use_database_retention_defaults", "retain_deleted_items_for", "retain_deleted_items_until_backup"} {
						if r, ok := m.Decl.Attrs.Lookup(a); ok {
							rng = r
							break
						}
					}
					c.add("retention_drift", m.Addr.String(), l.Database, rng, "run exdr apply to set it back (Set-Mailbox), or change the configuration",
						"mailbox %s: %s", m.Name, strings.Join(drift, "; "))
				}
			case l.Health.InStore && l.Database.Key() == m.Database.Key():
				c.disconnected(m, l)
			}
		}
	}
}

// sameMailbox is the planner's match (planner/mailbox.go): by alias, or,
// for a disconnected mailbox the store names only by display name, by
// the configured display_name.
func sameMailbox(live, m *org.Mailbox) bool {
	if live.Name != "" {
		return strings.EqualFold(live.Name, m.Name)
	}
	return m.DisplayName != "" && strings.EqualFold(live.DisplayName, m.DisplayName)
}

// mailboxDrift is each per-mailbox retention setting the block manages
// and the live mailbox differs in, as the planner's Set-Mailbox compares
// them (a setting Exchange shows none of is its default).
func mailboxDrift(want, live *org.Mailbox) []string {
	var out []string
	if want.UseDatabaseRetentionDefaults != nil {
		have := live.UseDatabaseRetentionDefaults == nil || *live.UseDatabaseRetentionDefaults
		if have != *want.UseDatabaseRetentionDefaults {
			out = append(out, fmt.Sprintf("use_database_retention_defaults is %t, the configuration says %t", have, *want.UseDatabaseRetentionDefaults))
		}
	}
	if want.RetainDeletedItemsFor != nil {
		switch {
		case live.RetainDeletedItemsFor == nil:
			out = append(out, fmt.Sprintf("retain_deleted_items_for is not set, the configuration says %s", *want.RetainDeletedItemsFor))
		case *live.RetainDeletedItemsFor != *want.RetainDeletedItemsFor:
			out = append(out, fmt.Sprintf("retain_deleted_items_for is %s, the configuration says %s", *live.RetainDeletedItemsFor, *want.RetainDeletedItemsFor))
		}
	}
	if want.RetainDeletedItemsUntilBackup != nil {
		have := live.RetainDeletedItemsUntilBackup != nil && *live.RetainDeletedItemsUntilBackup
		if have != *want.RetainDeletedItemsUntilBackup {
			out = append(out, fmt.Sprintf("retain_deleted_items_until_backup is %t, the configuration says %t", have, *want.RetainDeletedItemsUntilBackup))
		}
	}
	return out
}

// disconnected reports a configured mailbox the store holds without its
// directory object, and when the store purges it.
func (c *checker) disconnected(m, l *org.Mailbox) {
	retention := org.Duration(30 * org.Day) // Exchange 2007's default
	if db := c.ix.Database(l.Database); db != nil && db.MailboxRetention != nil {
		retention = *db.MailboxRetention
	}
	fix := "run exdr apply to connect it again (Connect-Mailbox, to its user account, which must exist), or remove its mailbox block if it is meant to go"
	if l.Health.Disconnected.IsZero() {
		c.add("mailbox_disconnected", m.Addr.String(), l.Database, m.Decl.Range, fix,
			"mailbox %s: its directory object is gone (its account deleted?), but the store still counts it as connected; once the store notices (Clean-MailboxDatabase, or its own maintenance), it is purged, with every item, after the mailbox retention (%s)",
			m.Name, retention)
		return
	}
	purge := l.Health.Disconnected.Add(time.Duration(retention))
	when := "past the mailbox retention: the store may purge it at any time"
	if left := purge.Sub(c.live.Now); c.live.Now.IsZero() || left > 0 {
		when = fmt.Sprintf("at %s", purge.UTC().Format("2006-01-02 15:04Z"))
		if !c.live.Now.IsZero() {
			when += fmt.Sprintf(", in %s", org.Duration(left.Round(time.Minute)))
		}
	}
	c.add("mailbox_disconnected", m.Addr.String(), l.Database, m.Decl.Range, fix,
		"mailbox %s is disconnected since %s: the store purges it, with every item, %s (mailbox_retention %s)",
		m.Name, l.Health.Disconnected.UTC().Format("2006-01-02 15:04Z"), when, retention)
}

func attrRange(d org.Decl, name string) hcl.Range {
	if r, ok := d.Attrs.Lookup(name); ok {
		return r
	}
	return d.Range
}

// leftovers: a recovery storage group nobody declared holds a copy of
// mailbox data and a server's only recovery slot.
func (c *checker) leftovers() {
	for _, r := range c.live.RecoveryStorageGroups {
		if !slices.ContainsFunc(c.desired.RecoveryStorageGroups, func(w *org.RecoveryStorageGroup) bool { return w.Identity().Key() == r.Identity().Key() }) {
			c.add("leftover_recovery_group", "", r.Identity(), hcl.Range{},
				"remove it (exdr plan -remove-recovery-groups), or declare it if a recovery is under way",
				"a recovery storage group the configuration does not name is left over: it takes %s's one recovery slot", r.Server)
		}
	}
}

// space: restoring the largest database on a drive needs its size free
// there (the damaged file is set aside, not deleted).
func (c *checker) space() {
	// What the databases of one drive take there together: a server lost
	// whole has them all restored at once (the plan counts them so).
	taken := map[string]org.Size{}
	by := map[string][]string{}
	for _, db := range c.desired.Databases {
		l := c.ix.Database(db.Identity())
		srv := c.ix.Server(db.Server())
		if l == nil || l.Health == nil || srv == nil || srv.Health == nil || len(db.EdbFilePath) < 2 {
			continue
		}
		drive := strings.ToUpper(db.EdbFilePath[:1])
		free, known := srv.Health.Free[drive]
		if !known {
			continue
		}
		// What the planner asks room for (planner/restore.go): the
		// chain it would restore, files and logs (the old file is moved
		// aside on the same drive); with no chain, the file.
		need, what := l.Health.Size, "the database is "+l.Health.Size.String()
		if chain := org.FindChain(c.live.Backups, db.Identity(), db.StorageGroup, db.Recovery.RestoreFrom); chain != nil && len(chain.Sets) > 0 {
			need = org.Size(chain.BytesFor(db.Identity()))
			what = fmt.Sprintf("the restore of its newest backup chain (%s), the database file and the chain's logs, needs %s", chain.IDs(), need)
		}
		key := strings.ToLower(srv.Name) + "|" + drive
		if free < need+taken[key] {
			others := ""
			if taken[key] > 0 {
				others = fmt.Sprintf(" (%s of it for %s, on the same drive)", taken[key], strings.Join(by[key], " and "))
			}
			c.add("restore_space", db.Addr.String(), db.Identity(), attrRange(db.Decl, "edb_file_path"), fmt.Sprintf("free at least %s more on %s: of %s", need+taken[key]-free, drive, srv.Name),
				"%s on %s: of %s, and %s is free%s: a restore, which sets the old file aside, would not fit", what, drive, srv.Name, free, others)
		}
		taken[key] += need
		by[key] = append(by[key], db.Addr.String())
	}
}

// edge: an Edge server can be rebuilt only as its export was taken.
func (c *checker) edge() {
	for _, s := range c.desired.Servers {
		if s.Edge == nil {
			continue
		}
		l := c.ix.Server(s.Name)
		switch {
		case s.Edge.Missing:
			c.add("edge_export", s.Addr.String(), s.Identity(), s.Edge.Range, "run exdr edge export "+s.Name,
				"its cloned configuration %s does not exist: the server could not be rebuilt", s.Edge.ClonedConfig)
		case l != nil && l.Edge != nil && l.Edge.ConfigHash != "" && l.Edge.ConfigHash != s.Edge.ConfigHash:
			c.add("edge_export", s.Addr.String(), s.Identity(), s.Edge.Range, "run exdr edge export "+s.Name+" and commit the file",
				"the server's configuration changed since %s was exported: a rebuild would bring back the old one", s.Edge.ClonedConfig)
		}
	}
}

// copies: a declared LCR or SCR copy must exist, be healthy, and keep up:
// no more than the source's open generation left to copy, nothing older
// than its replay lag left to replay.
func (c *checker) copies() {
	for _, sg := range c.desired.StorageGroups {
		if sg.Copy == nil {
			continue
		}
		if msg, fix := c.copyProblem(sg); msg != "" {
			c.add("standby_copy", sg.Addr.String(), sg.Identity(), sg.Copy.Range, fix, "%s", msg)
		}
	}
}

// clusterCopies: each storage group of a CCR clustered mailbox server
// has its copy on the passive node, healthy and keeping up; without it,
// losing the node the server runs on means a restore from backup.
func (c *checker) clusterCopies() {
	for _, sg := range c.desired.StorageGroups {
		s := c.desiredServer(sg.Server)
		if s == nil || s.Cluster == nil || s.Cluster.Type != org.ClusterCCR {
			continue
		}
		live := c.ix.StorageGroup(sg.Identity())
		if live == nil || live.Copy == nil || !live.Copy.Cluster || live.Copy.Health == nil {
			continue // not read as a cluster's (the shell's read): nothing to say
		}
		h := live.Copy.Health
		lost := fmt.Sprintf("losing the node %s runs on now means a restore from backup", s.Name)
		switch {
		case h.Status == "ServiceDown":
			c.add("cluster_copy", sg.Addr.String(), sg.Identity(), s.Decl.Range, "run exdr plan: it rebuilds the node and seeds the copy",
				"the passive node of %s does not answer, so %s has no copy: %s", s.Name, sg.Identity(), lost)
		case h.Status != "Healthy" || len(h.Stale) > 0:
			why := h.Status
			if h.Error != "" {
				why += ": " + h.Error
			}
			if len(h.Stale) > 0 {
				why = "seeded from a file since restored or repaired"
			}
			c.add("cluster_copy", sg.Addr.String(), sg.Identity(), s.Decl.Range, "run exdr plan: it seeds the copy again (Update-StorageGroupCopy)",
				"its CCR copy is %s: %s", why, lost)
		case h.CopyQueue() > 1:
			c.add("cluster_copy", sg.Addr.String(), sg.Identity(), s.Decl.Range, "find why the replication service is not copying (the passive node, the network)",
				"its CCR copy lacks %s of the source (copy queue %d): a failover now loses %s, and mounts on its own only within AutoDatabaseMountDial",
				plural(h.CopyQueue()-1, "closed log generation"), h.CopyQueue(), agree(h.CopyQueue()-1, "it", "them"))
		}
	}
}

// backPressure: a transport server's queue database drive within 4
// points of back pressure's high level (its normal threshold) is
// reported before mail is refused.
func (c *checker) backPressure() {
	for _, q := range c.live.QueueDatabases {
		if q.Health == nil || !q.Health.BackPressure.Approaching() {
			continue
		}
		s := c.desiredServer(q.Server)
		if s == nil {
			continue
		}
		addr, rng := s.Addr.String(), s.Decl.Range
		for _, dq := range c.desired.QueueDatabases {
			if strings.EqualFold(dq.Server, q.Server) {
				addr, rng = dq.Addr.String(), dq.Decl.Range
			}
		}
		bp := q.Health.BackPressure
		now := "it refuses no mail yet"
		switch bp.Level {
		case "High":
			now = "it refuses all new mail now (452 4.3.1)"
		case "Medium":
			now = "it refuses mail from outside the organization now"
		}
		c.add("back_pressure", addr, org.Identity(q.Server).Join("mail.que"), rng,
			fmt.Sprintf("free space on %s:, or move the queue database to a drive with room (queue_database { %s })", bp.Drive, bp.Attr()),
			"its %s %s: is %.1f%% used; back pressure starts at %.1f%% (medium) and stops all new mail at %.1f%% (high): %s",
			bp.Resource(), bp.Drive, bp.UsedPercent, bp.HighPercent-2, bp.HighPercent, now)
	}
}

// desiredServer is the configuration's server of that name, or nil.
func (c *checker) desiredServer(name string) *org.Server {
	for _, s := range c.desired.Servers {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

// liveCopy is the live copy of a configuration's storage group, or nil.
func (c *checker) liveCopy(sg *org.StorageGroup) *org.StandbyCopy {
	if live := c.ix.StorageGroup(sg.Identity()); live != nil {
		return live.Copy
	}
	return nil
}

// keepsLogs reports whether the group's copy holds every closed log
// generation of a file it can replay them into: activated, it loses no
// more than the source's open generation (a copy behind its replay lag
// replays the rest first).
func (c *checker) keepsLogs(sg *org.StorageGroup) bool {
	lc := c.liveCopy(sg)
	return lc != nil && lc.Health != nil && lc.Health.Status == "Healthy" && len(lc.Health.Stale) == 0 && lc.Health.CopyQueue() <= 1
}

// copyProblem says what is wrong with a storage group's declared copy and
// what to do, or "" when it is healthy and keeping up (or none is
// declared).
func (c *checker) copyProblem(sg *org.StorageGroup) (msg, fix string) {
	if sg == nil || sg.Copy == nil {
		return "", ""
	}
	lc := c.liveCopy(sg)
	kind := sg.Copy.Kind()
	switch {
	case lc == nil || lc.Health == nil:
		return fmt.Sprintf("the configuration keeps an %s copy and there is none: losing %s now means a restore from backup", kind, sg.Server),
			"run exdr apply to enable and seed it"
	case lc.Health.ActivatedOn != "" && !sg.Copy.Local:
		// Seeded again only with failback: the users are on the standby.
		return fmt.Sprintf("its SCR copy was activated on %s, where its database serves the users: %s has no copy until they are back on %s", lc.Health.ActivatedOn, sg.Identity(), sg.Server),
			fmt.Sprintf("declare failback = true in its standby block and apply in a maintenance window: the database goes back to %s and the copy is seeded again", sg.Server)
	case lc.Health.Status != "Healthy":
		why := lc.Health.Status
		if lc.Health.Error != "" {
			why += ": " + lc.Health.Error
		}
		return fmt.Sprintf("its %s copy is %s", kind, why), "run exdr plan: it seeds the copy again (Update-StorageGroupCopy)"
	case len(lc.Health.Stale) > 0:
		return fmt.Sprintf("its %s copy was seeded from a file of %s since restored or repaired: no log can be replayed into it", kind, lc.Health.Stale[0]),
			"run exdr plan: it seeds the copy again (Update-StorageGroupCopy)"
	case lc.Health.CopyQueue() > 1:
		return fmt.Sprintf("its %s copy lacks %s of the source (copy queue %d): losing %s now loses %s", kind, plural(lc.Health.CopyQueue()-1, "closed log generation"),
				lc.Health.CopyQueue(), sg.Server, agree(lc.Health.CopyQueue()-1, "it", "them")),
			"find why the replication service is not copying (the copy's machine, the network, the source's log folder)"
	case lc.Health.ReplayBehind > 0:
		return fmt.Sprintf("its %s copy is behind its replay lag (%s): %s older than that %s to be replayed", kind, sg.Copy.ReplayLag,
				plural(lc.Health.ReplayBehind, "copied generation"), agree(lc.Health.ReplayBehind, "waits", "wait")),
			"find why the copy is not replaying (Get-StorageGroupCopyStatus shows the error); activation would have to replay " + agree(lc.Health.ReplayBehind, "it", "them") + " first"
	}
	return "", ""
}
