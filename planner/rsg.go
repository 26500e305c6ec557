package planner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// recoveryGroup plans a recovery storage group's lifecycle in Exchange's
// order: the group, the recovery database for the production one, the
// file restore allowed, a backup chain at or before restore_from restored
// and brought to clean shutdown, mounted, each restore_mailbox merged, and
// with remove_when_done the group removed (its files set aside). Merges
// already recorded are not done again, so a finished recovery plans
// nothing.
func (b *builder) recoveryGroup(r *org.RecoveryStorageGroup) {
	addr, rid := r.Addr.String(), r.Identity()
	var live *org.RecoveryStorageGroup
	for _, l := range b.live.RecoveryStorageGroups {
		if l.Identity().Key() == rid.Key() {
			live = l
		}
	}
	// With restore_from, the group must hold that point's chain: one
	// restored from another is restored again, and its merges done
	// again. It merged from the newer backup the plan found there,
	// copying none of the older items asked for, and said nothing was
	// lost (adversarial review). Without restore_from, whatever chain
	// the group holds serves: a nightly backup does not restore a kept
	// group again.
	want := ""
	if prod := b.wantIx.Database(r.Database); prod != nil && !r.RestoreFrom.IsZero() {
		if c, _ := b.groupChain(r, prod); c != nil && len(c.Sets) > 0 {
			want = c.IDs()
		}
	}
	stale := want != "" && live != nil && live.Health.Sets != "" && live.Health.Sets != want
	// A recovery database with pages failing their checksums is restored
	// again, as a mount and every merge from it fail.
	damaged := live != nil && len(live.Health.BadPages) > 0
	var pending []org.RestoreMailbox
	for _, rm := range r.RestoreMailboxes {
		if !b.merged(rid, rm, want) {
			pending = append(pending, rm)
		}
	}
	validating := slices.ContainsFunc(r.RestoreMailboxes, func(rm org.RestoreMailbox) bool { return rm.ValidateOnly })
	if validating && r.RemoveWhenDone && live != nil {
		b.note("%s: kept although remove_when_done = true, while a restore_mailbox only validates (validate_only = true): set it to false to merge, or remove that block, and the group is removed once the merges are done.", addr)
	}
	if len(r.RestoreMailboxes) > 0 && len(pending) == 0 {
		if r.RemoveWhenDone && live != nil && !validating {
			b.removeRecoveryGroup(r, live, nil)
		}
		return
	}
	prod := b.wantIx.Database(r.Database)
	if prod == nil {
		return // lang has refused this already
	}
	rdb := rid.Join(prod.Name)
	edb := r.EdbFilePath
	if edb == "" {
		edb = r.LogFolderPath + `\` + prod.Name + ".edb"
	}
	parent := b.lastStepOf(b.serverAddr(r.Server))
	slot, ok := b.claimRecoveryGroup(r.Server, rid, addr, addr, r.Decl.Range)
	if !ok {
		return
	}
	// A restore of the production database in this plan runs first: once
	// the group holds a database of it, Exchange directs that restore
	// into the group (recoveryGroupOutOfTheWay). The two had no order
	// and ran at once (adversarial review).
	var prodDone *providers.Step
	if b.restoresInPlan(prod.Addr.String()) {
		prodDone = b.lastStepOf(prod.Addr.String())
	}
	var last *providers.Step
	if live == nil {
		last = after(b.add(&providers.Step{
			Verb: providers.VerbCreateRecoveryGroup, Address: addr, Identity: rid,
			Args:   map[string]string{"server": r.Server, "name": r.Name, "log_folder_path": r.LogFolderPath, "system_folder_path": r.SystemFolderPath},
			Reason: fmt.Sprintf("a recovery storage group on %s to recover %s into", r.Server, r.Database), Effect: providers.Reversible,
		}), parent, slot, prodDone)
	}
	if live == nil || !live.Health.DatabaseExists {
		last = after(b.add(&providers.Step{
			Verb: providers.VerbCreateRecoveryDB, Address: addr, Identity: rdb,
			Args:   map[string]string{"storage_group": string(rid), "name": prod.Name, "edb_file_path": edb, "recovery_of": string(r.Database)},
			Reason: fmt.Sprintf("the recovery database for %s (the object; its files come from the restore)", r.Database), Effect: providers.Reversible,
		}), last, parent, prodDone)
	}
	mounted := live != nil && live.Health.Mounted
	why := ""
	switch {
	case damaged:
		why = fmt.Sprintf("%s of the recovery database %s (JET -1018)", pagesFail(live.Health.BadPages), rdb)
	case stale:
		why = fmt.Sprintf("the recovery database holds %s, not the chain restore_from asks for", live.Health.Sets)
	}
	if why != "" && mounted {
		last = after(b.add(&providers.Step{
			Verb: providers.VerbDismount, Address: addr, Identity: rdb,
			Reason: why + ": it is dismounted to be restored again",
			Effect: providers.Downtime,
		}), last, parent, prodDone)
		mounted = false
	}
	if !mounted {
		if live == nil || !live.Health.FileExists || live.Health.State != org.StateClean || why != "" {
			last = b.restoreIntoGroup(r, prod, rdb, last, why)
			if last == nil {
				return
			}
		}
		last = after(b.add(&providers.Step{
			Verb: providers.VerbMount, Address: addr, Identity: rdb,
			Reason: "the recovery database is mounted for Restore-Mailbox (no client access, no mail flow)", Effect: providers.Reversible,
		}), last)
	}
	var merges []*providers.Step
	for _, rm := range pending {
		if !b.mergeable(r, rm, prod, live, stale) {
			continue
		}
		merges = append(merges, b.restoreMailbox(r, rm, rdb, last))
	}
	// A check (validate_only) is followed by the merge itself: the group
	// stays for it.
	if r.RemoveWhenDone && !validating {
		b.removeRecoveryGroup(r, live, merges)
	}
}

// mergeable refuses a restore_mailbox that Restore-Mailbox would fail or
// that would copy nothing: a source mailbox the group's backup does not
// hold (a mistyped alias merged nothing, and the apply said it matched),
// a target mailbox that neither exists nor is configured (the apply
// failed, every time, naming no line) (adversarial review).
func (b *builder) mergeable(r *org.RecoveryStorageGroup, rm org.RestoreMailbox, prod *org.Database, live *org.RecoveryStorageGroup, stale bool) bool {
	subject := rm.Range
	if subject.Empty() {
		subject = r.Decl.Range
	}
	refuse := func(summary, detail string) bool {
		b.refuse(r.Addr.String(), &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &subject})
		return false
	}
	full := ""
	if live != nil && live.Health.Sets != "" && !stale {
		full, _, _ = strings.Cut(live.Health.Sets, ",")
	} else if c, _ := b.groupChain(r, prod); c != nil && len(c.Sets) > 0 {
		full = c.Sets[0].ID
	}
	for _, set := range b.live.Backups {
		if set.ID != full {
			continue
		}
		for id, held := range set.Mailboxes {
			if id.Key() == prod.Identity().Key() && len(held) > 0 &&
				!slices.ContainsFunc(held, func(m string) bool { return strings.EqualFold(m, rm.Mailbox) }) {
				return refuse("No such mailbox in the backup",
					fmt.Sprintf("restore_mailbox %q: backup set %s of %s holds no mailbox %s, so Restore-Mailbox would find nothing to copy. It holds: %s. Correct the alias.",
						rm.Mailbox, full, prod.Identity(), rm.Mailbox, strings.Join(held, ", ")))
			}
		}
	}
	known := slices.ContainsFunc(b.desired.Mailboxes, func(m *org.Mailbox) bool { return strings.EqualFold(m.Name, rm.Target) }) ||
		slices.ContainsFunc(b.live.Mailboxes, func(m *org.Mailbox) bool { return strings.EqualFold(m.Name, rm.Target) })
	if !known {
		return refuse("No such target mailbox",
			fmt.Sprintf("restore_mailbox %q: its target %s is not a mailbox of the organization, nor one the configuration declares: Restore-Mailbox copies into an existing mailbox. Correct target, or declare the mailbox with a mailbox block.",
				rm.Mailbox, rm.Target))
	}
	return true
}

// roomForGroupRestore is roomOn for a restore into a recovery storage
// group: the database's file where it is put, the chain's logs in the
// group's log folder, each on its own drive (or both on one). It was not
// checked at all: the plan said nothing is lost and the apply failed
// half way for room (adversarial review).
func (b *builder) roomForGroupRestore(server, edb, logFolder string, c *org.BackupChain, db org.Identity, addr, who string, subject hcl.Range) bool {
	all := c.BytesFor(db)
	var logs int64
	for _, s := range c.Sets {
		if s.DatabaseBytes != nil {
			logs += s.LogBytes
		}
	}
	if len(edb) < 2 || len(logFolder) < 2 || strings.EqualFold(edb[:1], logFolder[:1]) {
		return b.roomOn(server, edb, all, "the restore into the recovery storage group (the database file and the chain's logs)", addr, who, subject)
	}
	return b.roomOn(server, edb, all-logs, "the restore of the database file into the recovery storage group", addr, who, subject) &&
		b.roomOn(server, logFolder, logs, "the restore of the chain's logs into the recovery storage group", addr, who, subject)
}

// mergeArgs are a restore_mailbox's step arguments but the recovery
// database: the source and target mailboxes, the folder and the filters.
func mergeArgs(rm org.RestoreMailbox) map[string]string {
	args := map[string]string{"mailbox": rm.Mailbox, "target": rm.Target, "target_folder": rm.TargetFolder,
		"subject_keywords": filterList(rm.SubjectKeywords), "sender_keywords": filterList(rm.SenderKeywords),
		"content_keywords": filterList(rm.ContentKeywords), "recipient_keywords": filterList(rm.RecipientKeywords),
		"attachment_filenames": filterList(rm.AttachmentFilenames),
		"include_folders":      filterList(rm.IncludeFolders), "exclude_folders": filterList(rm.ExcludeFolders)}
	for _, f := range []struct {
		t   time.Time
		arg string
	}{{rm.StartDate, "start_date"}, {rm.EndDate, "end_date"}} {
		if !f.t.IsZero() {
			args[f.arg] = f.t.UTC().Format(time.RFC3339)
		}
	}
	return args
}

// merged reports whether a restore_mailbox is recorded as done, with
// the same filters, and from the chain sets when it is given.
func (b *builder) merged(rid org.Identity, rm org.RestoreMailbox, sets string) bool {
	filter := providers.MergeFilter(mergeArgs(rm))
	for _, m := range b.live.Merges {
		if m.RecoveryGroup.Key() == rid.Key() && strings.EqualFold(m.Mailbox, rm.Mailbox) && strings.EqualFold(m.Target, rm.Target) && m.TargetFolder == rm.TargetFolder &&
			m.Filter == filter && (sets == "" || m.Sets == "" || m.Sets == sets) &&
			m.Validated == rm.ValidateOnly && (!m.Validated || m.BadItemLimit == rm.BadItemLimit) {
			return true
		}
	}
	return false
}

// groupChain is the chain a recovery storage group is restored from,
// and whether the catalog holds VSS sets, which are restored in place
// only: a group is restored from the streaming sets.
func (b *builder) groupChain(r *org.RecoveryStorageGroup, prod *org.Database) (*org.BackupChain, bool) {
	var streaming []*org.BackupSet
	for _, set := range b.live.Backups {
		if set.Method != "vss" {
			streaming = append(streaming, set)
		}
	}
	return org.FindChain(streaming, r.Database, prod.StorageGroup, r.RestoreFrom), len(streaming) < len(b.live.Backups)
}

func (b *builder) restoreIntoGroup(r *org.RecoveryStorageGroup, prod *org.Database, rdb org.Identity, last *providers.Step, why string) *providers.Step {
	addr := r.Addr.String()
	c, vss := b.groupChain(r, prod)
	if c == nil || len(c.Sets) == 0 {
		when := "in the catalog"
		if !r.RestoreFrom.IsZero() {
			when = "taken at or before " + r.RestoreFrom.UTC().Format(time.RFC3339)
		}
		detail := fmt.Sprintf("%s recovers %s from a backup, but no usable backup of %s is %s.", r.Addr, r.Database, prod.StorageGroup, when)
		if c != nil && len(c.Skipped) > 0 {
			detail += " Passed over: " + strings.Join(c.Skipped, "; ") + "."
		}
		if vss {
			detail += " Its VSS sets are restored in place only, never into a recovery storage group: take a streaming backup for one."
		}
		subject := r.Decl.Range
		b.refuse(r.Addr.String(), &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No backup to recover from",
			Detail: detail + " Give a restore_from that a backup covers, or take a backup.", Subject: &subject})
		return nil
	}
	edb := r.EdbFilePath
	if edb == "" {
		edb = r.LogFolderPath + `\` + prod.Name + ".edb"
	}
	if !b.roomForGroupRestore(r.Server, edb, r.LogFolderPath, c, prod.Identity(), addr, fmt.Sprintf("%s (%s)", addr, rdb), r.Decl.Range) {
		return nil
	}
	allow := after(b.add(&providers.Step{
		Verb: providers.VerbAllowFileRestore, Address: addr, Identity: rdb, Args: map[string]string{"value": "true"},
		Reason: "the restore may write the recovery database only once it allows a file restore", Effect: providers.Reversible,
	}), last)
	temp, env := restoreFolders(r.LogFolderPath, prod.StorageGroup)
	restore := after(b.add(&providers.Step{
		Verb: providers.VerbRestoreBackup, Address: addr, Identity: rdb,
		Args:   map[string]string{"sets": c.IDs(), "sets_described": c.Describe(), "into": "recovery_storage_group", "backup_of": string(prod.StorageGroup), "temp_folder": temp, "restore_env_folder": env},
		Reason: strings.TrimPrefix(why+"; ", "; ") + fmt.Sprintf("restore %s of %s into the recovery storage group; production is not touched", c.Describe(), r.Database),
		Effect: providers.Reversible,
	}), allow)
	return after(b.add(&providers.Step{
		Verb: providers.VerbHardRecovery, Address: addr, Identity: rdb, Args: map[string]string{"roll_forward": "false", "restore_env_folder": env},
		Reason: "hard recovery replays the restored logs to bring the recovery database to clean shutdown", Effect: providers.Reversible,
	}), restore)
}

func (b *builder) restoreMailbox(r *org.RecoveryStorageGroup, rm org.RestoreMailbox, rdb org.Identity, last *providers.Step) *providers.Step {
	name := rm.Mailbox
	if !strings.EqualFold(rm.Target, rm.Mailbox) {
		name += " to " + rm.Target
	}
	args := mergeArgs(rm)
	args["rsg_database"] = string(rdb)
	if rm.BadItemLimit > 0 {
		args["bad_item_limit"] = strconv.Itoa(rm.BadItemLimit)
	}
	effect, loss, consent := providers.Reversible, "", ""
	if rm.ValidateOnly {
		args["validate_only"] = "true"
		effect = providers.ReadOnly
	} else if rm.BadItemLimit > 0 {
		// Each corrupted item it passes over is lost: the configuration's
		// bad_item_limit is the consent to that.
		effect, loss = providers.DataLoss, fmt.Sprintf("up to %s of %s that cannot be read (bad_item_limit)", plural(rm.BadItemLimit, "corrupted item"), rm.Mailbox)
		consent = fmt.Sprintf("restore_mailbox { bad_item_limit = %d } (%s)", rm.BadItemLimit, rangeAt(rm.Range, r.Decl.Range))
	}
	// The target's own database comes back first, and the target
	// mailbox is made if the plan makes it (a purged mailbox refilled).
	var targetDB, targetMailbox *providers.Step
	for _, m := range b.desired.Mailboxes {
		if strings.EqualFold(m.Name, rm.Target) {
			if db := b.wantIx.Database(m.Database); db != nil {
				targetDB = b.lastStepOf(db.Addr.String())
			}
			targetMailbox = b.lastStepOf(m.Addr.String())
		}
	}
	reason := fmt.Sprintf("merge the items of %s in the recovery database into %s%s; an item already there is not copied again",
		rm.Mailbox, rm.Target, map[bool]string{true: ", folder " + rm.TargetFolder, false: ""}[rm.TargetFolder != ""])
	if rm.ValidateOnly {
		reason = fmt.Sprintf("check that the items of %s in the recovery database can be merged into %s (Restore-Mailbox -ValidateOnly): nothing is copied; set validate_only = false to merge them",
			rm.Mailbox, rm.Target)
	}
	addr := fmt.Sprintf("%s.restore_mailbox[%q]", r.Addr, name)
	if loss != "" {
		b.plan.Losses = append(b.plan.Losses, Loss{Address: addr, What: loss})
	}
	return after(b.add(&providers.Step{
		Verb: providers.VerbRestoreMailbox, Address: addr, Identity: r.Identity(), Args: args,
		Reason: reason, Effect: effect, Loss: loss, Consent: consent, Estimate: time.Minute,
	}), last, targetDB, targetMailbox)
}

func (b *builder) removeRecoveryGroup(r *org.RecoveryStorageGroup, live *org.RecoveryStorageGroup, after_ []*providers.Step) {
	rid := r.Identity()
	after(b.add(&providers.Step{
		Verb: providers.VerbRemoveRecoveryGroup, Address: r.Addr.String(), Identity: rid,
		Reason: "remove_when_done: every restore_mailbox is merged, so the recovery storage group goes; its files are kept aside",
		Effect: providers.Irreversible,
	}), after_...)
}

// leftover reports whether a live recovery storage group is left over:
// neither in the configuration nor used by a recovery of this plan (a
// dial tone or a refill interrupted earlier).
func (b *builder) leftover(r *org.RecoveryStorageGroup) bool {
	for _, w := range b.desired.RecoveryStorageGroups {
		if w.Identity().Key() == r.Identity().Key() {
			return false
		}
	}
	claim, ok := b.rsgClaims[org.Identity(r.Server).Key()]
	return !ok || claim.rid.Key() != r.Identity().Key()
}

// rsgClaim is a server's recovery storage group as a recovery of this
// plan uses it: its identity, and the recovery (the group of steps).
type rsgClaim struct {
	rid   org.Identity
	group string
}

// removeLeftover plans the removal of a leftover recovery storage group
// (its files set aside), once.
func (b *builder) removeLeftover(r *org.RecoveryStorageGroup) *providers.Step {
	if s := b.rsgRemovals[r.Identity().Key()]; s != nil {
		return s
	}
	s := b.add(&providers.Step{
		Verb: providers.VerbRemoveRecoveryGroup, Address: "recovery_storage_group " + string(r.Identity()), Identity: r.Identity(),
		Reason: "a recovery storage group left over, not in the configuration; removed as -remove-recovery-groups asks (its files kept aside)",
		Effect: providers.Irreversible,
	})
	b.rsgRemovals[r.Identity().Key()] = s
	return s
}

// claimRecoveryGroup takes the one recovery storage group Exchange
// allows a server (EXCHANGE.md 3.1) for rid, on behalf of the resource at
// addr (declared at subject). It returns the step the group's creation
// must wait for (a leftover group's removal, with
// -remove-recovery-groups), or false with a refusal when the server's
// slot is taken: by another recovery of this plan, or by a group left
// over that may not be removed.
func (b *builder) claimRecoveryGroup(server string, rid org.Identity, group, addr string, subject hcl.Range) (*providers.Step, bool) {
	key := org.Identity(server).Key()
	if prev, ok := b.rsgClaims[key]; ok && prev.group != group {
		b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "One recovery storage group per server",
			Detail: fmt.Sprintf("%s needs the recovery storage group %s on %s, and this plan uses %s there already (for %s): Exchange allows one per server, holding one storage group's databases. "+
				"Recover one first (exdr apply -target with its address), then plan the other.", addr, rid, server, prev.rid, prev.group),
			Subject: &subject})
		return nil, false
	}
	b.rsgClaims[key] = rsgClaim{rid: rid, group: group}
	var wait *providers.Step
	for _, l := range b.live.RecoveryStorageGroups {
		if org.Identity(l.Server).Key() != key || l.Identity().Key() == rid.Key() {
			continue
		}
		declared := false
		for _, w := range b.desired.RecoveryStorageGroups {
			declared = declared || w.Identity().Key() == l.Identity().Key()
		}
		if declared || !b.opts.RemoveLeftoverRecoveryGroups {
			why := "left over (the configuration does not name it): remove it with -remove-recovery-groups (its files are set aside), or finish what it was for"
			if declared {
				why = "declared in the configuration: let its recovery finish (remove_when_done = true), then plan again"
			}
			b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "One recovery storage group per server",
				Detail: fmt.Sprintf("%s needs the recovery storage group %s on %s, and %s has %s, %s. Exchange allows one recovery storage group per server.",
					addr, rid, server, server, l.Identity(), why),
				Subject: &subject})
			return nil, false
		}
		wait = b.removeLeftover(l)
	}
	return wait, true
}

// restoresInPlan reports whether the plan restores the database at addr
// from a backup.
func (b *builder) restoresInPlan(addr string) bool {
	return slices.ContainsFunc(b.steps, func(s *providers.Step) bool {
		return s.Address == addr && s.Verb == providers.VerbRestoreBackup
	})
}

// recoveryGroupOutOfTheWay is what a restore of production database db
// waits for when its server has a recovery storage group holding a
// database of db: Exchange 2007 directs a restore of a database that has
// a database in the recovery storage group into the group, not to
// production ("associate a database with it so that the restore path is
// targeted automatically at the RSG",
// http://windowsitpro.com/print/powershell/backing-and-restoring-microsoft-exchange-server-2007-part-2;
// Understanding Recovery Storage Groups, bb124039). A group left over is
// removed first with -remove-recovery-groups (the step is returned);
// otherwise, and for one the configuration keeps, the restore is
// refused (false) with a diagnostic at db's block. A group this plan
// uses itself (a dial tone's, a mailbox restore's) is left to that
// recovery.
func (b *builder) recoveryGroupOutOfTheWay(db *org.Database) (*providers.Step, bool) {
	for _, r := range b.live.RecoveryStorageGroups {
		if !strings.EqualFold(r.Server, db.Server()) || r.Database.Key() != db.Identity().Key() {
			continue
		}
		if claim, ok := b.rsgClaims[org.Identity(r.Server).Key()]; ok && claim.rid.Key() == r.Identity().Key() {
			continue
		}
		declared := false
		for _, w := range b.desired.RecoveryStorageGroups {
			declared = declared || w.Identity().Key() == r.Identity().Key()
		}
		if !declared && b.opts.RemoveLeftoverRecoveryGroups {
			return b.removeLeftover(r), true
		}
		what := "It is left over (the configuration does not name it): plan again with -remove-recovery-groups to remove it first (its files are set aside)."
		if declared {
			what = "The configuration keeps it (remove_when_done = false, or its recovery not finished): remove its recovery_storage_group block once done with it, then plan again with -remove-recovery-groups."
		}
		b.refuse(db.Addr.String(), &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Recovery storage group holds the database",
			Detail: fmt.Sprintf("%s on %s holds a database of %s: Exchange directs a restore of %s into it, not to production. %s",
				r.Identity(), r.Server, db.Identity(), db.Identity(), what),
			Subject: db.Decl.Range.Ptr()})
		return nil, false
	}
	return nil, true
}

// filterList passes a Restore-Mailbox filter's values in a step argument,
// one a line: a value may hold a comma ("Last, First"), never a line
// break (the language refuses control characters in them).
func filterList(values []string) string { return strings.Join(values, "\n") }
