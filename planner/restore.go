package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// restore plans the way back from a backup: dismount if mounted, allow
// the file restore, restore the chain (the damaged files set aside),
// hard recovery with the roll-forward, and mount; settle puts
// allow_file_restore back after. It reports false when no usable chain exists.
// Long on purpose: the restore's steps in their order, each depending on
// the one before.
func (b *builder) restore(db *org.Database, h *org.DatabaseHealth, damage string, parent *providers.Step,
	mount func(string, ...*providers.Step) *providers.Step) bool {
	pit := !db.Recovery.RestoreFrom.IsZero()
	temp, envFolder := restoreFolders(parentPath(b.fileOf(db)), db.StorageGroup)
	c := org.FindChain(b.live.Backups, db.Identity(), db.StorageGroup, db.Recovery.RestoreFrom)
	if c == nil || len(c.Sets) == 0 {
		if c != nil {
			b.note("%s: no usable backup: %s.", db.Addr, strings.Join(c.Skipped, "; "))
		}
		return false
	}
	for _, s := range c.Skipped {
		b.note("%s: passed over %s.", db.Addr, s)
	}
	if b.dialToneWanted(db, c) {
		b.dialTone(db, h, c, damage, parent, mount, dialToneBegin)
		return true
	}
	// The group first: a restore refused for it takes no room another
	// restore on the drive needs.
	rsgGone, ok := b.recoveryGroupOutOfTheWay(db)
	if !ok {
		return true // refused with its diagnostic: the restore would go into the group
	}
	if !b.roomFor(db, c.BytesFor(db.Identity()), "the restore (the database file and the chain's logs)") {
		return true // refused with its diagnostic; no other path would fit either
	}
	id := db.Identity()
	addr := db.Addr.String()
	var deps []*providers.Step
	if rsgGone != nil {
		deps = append(deps, rsgGone)
	}
	if h.Mounted {
		deps = append(deps, b.dismountFirst(db, parent, "a restore replaces the file of a dismounted database"))
	}
	liveDB := b.liveIx.Database(id)
	allowed := liveDB != nil && liveDB.AllowFileRestore != nil && *liveDB.AllowFileRestore
	if !allowed {
		// After the dismount: two steps on one database are never unordered.
		deps = []*providers.Step{after(b.add(&providers.Step{
			Verb: providers.VerbAllowFileRestore, Address: addr, Identity: id, Args: map[string]string{"value": "true", "kind": dbKind(db)},
			Reason: "a restore may overwrite the database only once \"This database can be overwritten by a restore\" is set",
			Effect: providers.Reversible,
		}), append(deps, parent)...)}
	}

	sg := b.liveIx.StorageGroup(db.StorageGroup)
	var logs *org.LogHealth
	if sg != nil {
		logs = sg.Health
	}
	reach, gap := c.Covers, uint32(0)
	if !pit {
		reach, gap = rollForward(logs, c)
	}
	rpo, loss, since := b.recoveryPoint(c, logs, reach, gap, pit)
	if loss != "" {
		b.plan.Losses = append(b.plan.Losses, Loss{Address: addr, Since: since, What: loss})
	}
	restoreEst, hardEst := b.restoreTime(c, reach)
	var restoreStep *providers.Step
	resumed := false
	if r := h.Restore; r != nil && r.FilesInPlace && strings.Join(r.Sets, ",") == c.IDs() {
		// The interrupted restore put every file in place: hard recovery
		// is what remains.
		restoreStep, resumed = parent, true
		if len(deps) > 0 {
			restoreStep = deps[len(deps)-1]
		}
	} else {
		restoreStep = after(b.add(&providers.Step{
			Verb: providers.VerbRestoreBackup, Address: addr, Identity: id,
			Args:   map[string]string{"sets": c.IDs(), "sets_described": c.Describe(), "temp_folder": temp, "restore_env_folder": envFolder},
			Reason: fmt.Sprintf("%s; restore %s (log generations up to %d)", damage, c.Describe(), c.Covers),
			Effect: providers.Irreversible, Loss: loss,
			Estimate: restoreEst,
		}), append(deps, parent)...)
	}

	// VSS sets (the lab's say so; through the shell, backup_method does)
	// are restored in place and followed by soft recovery.
	if b.desired.Provider.BackupMethod == "vss" || len(c.Sets) > 0 && c.Sets[0].Method == "vss" {
		return b.vssRecovery(db, c, pit, restoreStep, resumed, damage, rpo, hardEst, mount)
	}
	rf := "true"
	what := fmt.Sprintf("replays the restored logs, then rolls forward through the live log folder to generation %d", reach)
	if pit {
		rf = "false"
		what = fmt.Sprintf("replays the restored logs up to generation %d and stops there (point in time %s)", c.Covers,
			db.Recovery.RestoreFrom.UTC().Format("2006-01-02 15:04Z"))
	} else if reach == c.Covers {
		what = "replays the restored logs; no later live log can be rolled forward"
	}
	reason := fmt.Sprintf("hard recovery %s; %s", what, rpo)
	if resumed {
		reason = fmt.Sprintf("%s; the restored files are in place, so hard recovery %s; %s", damage, what, rpo)
	}
	hard := after(b.add(&providers.Step{
		Verb: providers.VerbHardRecovery, Address: addr, Identity: id, Args: map[string]string{"roll_forward": rf, "restore_env_folder": envFolder},
		Reason:   reason,
		Effect:   providers.Reversible,
		Estimate: hardEst,
	}), restoreStep)
	if db.Mounted {
		mount("the restored database is mounted", hard)
	}
	// allow_file_restore is put back by settle, after the mount.
	b.note("%s: take a full backup of %s once it is restored: until then exdr check reports it, and Exchange takes no incremental or differential backup of it.", db.Addr, db.StorageGroup)
	return true
}

// chainReach is the newest generation a restore of c brings db to: the
// chain's own, for a point-in-time restore; else as far as the live logs
// roll it forward.
func (b *builder) chainReach(db *org.Database, c *org.BackupChain) uint32 {
	if !db.Recovery.RestoreFrom.IsZero() {
		return c.Covers
	}
	var logs *org.LogHealth
	if sg := b.liveIx.StorageGroup(db.StorageGroup); sg != nil {
		logs = sg.Health
	}
	reach, _ := rollForward(logs, c)
	return reach
}

// restoreTime is how long a restore of c to generation reach takes: the
// sets copied back, then hard recovery through the generations. The plan's
// restore steps, the dial-tone decision and a standby copy's comparison
// all use this one figure.
func (b *builder) restoreTime(c *org.BackupChain, reach uint32) (restore, hard time.Duration) {
	bytes := c.Bytes()
	low := c.Sets[0].Logs.Low
	if low == 0 || low > reach {
		low = reach
	}
	return b.estimate(providers.VerbRestoreBackup, bytes), b.estimate(providers.VerbHardRecovery, int64(reach-low+1))
}

// recoveryPoint says what a restore brings back and what it cannot, and
// from when the lost changes date where that is known.
func (b *builder) recoveryPoint(c *org.BackupChain, logs *org.LogHealth, reach, gap uint32, pit bool) (rpo, loss string, since time.Time) {
	created := func(g uint32) string {
		if logs != nil {
			if t, ok := logs.Created[g]; ok {
				return t.UTC().Format("2006-01-02 15:04:05Z")
			}
		}
		return ""
	}
	newestSet := c.Sets[len(c.Sets)-1].Time
	newest := newestSet.UTC().Format("2006-01-02 15:04:05Z")
	switch {
	case pit:
		return fmt.Sprintf("recovery point: the backup of %s", newest),
			fmt.Sprintf("every change after the backup of %s, as restore_from asks", newest), newestSet
	case gap == 0:
		return "recovery point: the last change logged (nothing is lost)", "", time.Time{}
	}
	if logs.OtherStream(c.LogSignature()) {
		// The live folder's generations are another stream's, of the same
		// numbers: what was logged after the backup is in none of them,
		// and their times say nothing of it. Since the newest set is the
		// most that can be said.
		return fmt.Sprintf("recovery point: the backup of %s; the live logs are another stream", newest),
			fmt.Sprintf("every change after the backup of %s: the live log folder is another log stream, started again since the backup (a rebuilt server, a failover or a restore), so the backup rolls forward through none of it", newest),
			newestSet
	}
	if logs != nil {
		since = logs.Created[gap] // when the first lost generation began, if it is known
		if since.IsZero() {
			since = logs.Created[reach]
		}
	}
	started := ""
	if t := created(reach); t != "" {
		started = fmt.Sprintf(" (started %s)", t)
	}
	why := fmt.Sprintf("generation %d is missing", gap)
	if logs.Emptied() {
		why = fmt.Sprintf("generation %d is missing: the log folder holds no log at all", gap)
	}
	if logs != nil && slices.Contains(logs.Corrupt, gap) {
		why = fmt.Sprintf("generation %d is damaged (it fails its checksums)", gap)
	}
	return fmt.Sprintf("recovery point: the end of log generation %d; %s", reach, why),
		fmt.Sprintf("the changes logged after generation %d%s: %s", reach, started, why), since
}

// vssRecovery is what follows a VSS restore (backup_method = "vss"): the
// restored file and logs are in their original folders with no
// restore.env, so soft recovery (eseutil /r) replays the logs, rolling
// forward through every later one in the log folder, as a streaming
// restore's hard recovery does ("hard recovery ... is different from a
// soft recovery that takes place after restoring a database using the
// Volume Shadow Copy Service", Eseutil /C Restore Mode, aa997899).
func (b *builder) vssRecovery(db *org.Database, c *org.BackupChain, pit bool, restoreStep *providers.Step, resumed bool, damage, rpo string, est time.Duration,
	mount func(string, ...*providers.Step) *providers.Step) bool {
	addr, id := db.Addr.String(), db.Identity()
	if pit {
		subject := db.Decl.Range
		b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Point-in-time restore from a VSS backup",
			Detail: fmt.Sprintf("%s (%s) is restored to %s, but backup_method = \"vss\": a VSS restore has no restore.env, and soft recovery replays every log in the log folder, past that point. "+
				"Restore from a streaming backup, or move the later logs aside by hand and remove restore_from.", addr, id, db.Recovery.RestoreFrom.UTC().Format("2006-01-02 15:04Z")),
			Subject: &subject})
		return true
	}
	// Soft recovery replays every log in the folder and stops at a
	// missing one: with later generations there, it cannot end.
	if sg := b.liveIx.StorageGroup(db.StorageGroup); sg != nil && sg.Health != nil {
		if _, gap := rollForward(sg.Health, c); gap != 0 && sg.Health.OnDisk.High > gap {
			subject := db.Decl.Range
			b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "VSS restore with a gap in the logs",
				Detail: fmt.Sprintf("%s (%s) would be restored from %s, taken with VSS: soft recovery follows, which replays every log in %s and stops at generation %d, missing, with later ones there; the database would stay in dirty shutdown. "+
					"Restore from a streaming set (its hard recovery stops at the gap, stating the loss), or move generation %d and later aside by hand (losing what they hold) and plan again.",
					addr, id, c.Describe(), sg.LogFolderPath, gap, gap),
				Subject: &subject})
			return true
		}
	}
	if restoreStep != nil && !resumed {
		restoreStep.Args["method"] = "vss"
		delete(restoreStep.Args, "temp_folder")
		delete(restoreStep.Args, "restore_env_folder")
	}
	prefix := ""
	if live := b.liveIx.StorageGroup(db.StorageGroup); live != nil && live.Health != nil {
		prefix = live.Health.Prefix
	}
	soft := after(b.add(&providers.Step{
		Verb: providers.VerbReplayLogs, Address: addr, Identity: id, Args: replayArgs(prefix, b.groupOf(db), b.fileOf(db)),
		Reason:   fmt.Sprintf("after a VSS restore, soft recovery replays the restored logs and rolls forward through the live log folder; %s", rpo),
		Effect:   providers.Reversible,
		Estimate: est,
	}), restoreStep)
	soft.Args["after"] = "vss_restore"
	if db.Mounted {
		mount("the restored database is mounted", soft)
	}
	b.note("%s: take a full backup of %s once it is restored: until then exdr check reports it.", db.Addr, db.StorageGroup)
	return true
}

// restoreFolders are the temporary location a streaming restore is given
// (an exdr-restore folder in base) and the folder of it the restore
// writes restore.env and the restored logs into, named after the storage
// group the backup is of (How to Run Eseutil /C, aa998303): the restore
// step names both, and hard recovery runs eseutil /cc on the second.
func restoreFolders(base string, sg org.Identity) (temp, env string) {
	parts := sg.Parts()
	temp = base + `\exdr-restore`
	return temp, temp + `\` + parts[len(parts)-1]
}
