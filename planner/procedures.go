package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

func (b *builder) storageGroup(sg *org.StorageGroup) {
	addr := sg.Addr.String()
	srvStep := b.lastStepOf(b.serverAddr(sg.Server))
	live := b.liveIx.StorageGroup(sg.Identity())
	if b.clusterActivated[sg.Identity().Key()] != nil {
		return // its copy becomes it on the passive node: the log folder there is its own
	}
	create := func(reason string) {
		after(b.add(&providers.Step{
			Verb: providers.VerbCreateStorageGroup, Address: addr, Identity: sg.Identity(),
			Args: map[string]string{
				"server": sg.Server, "name": sg.Name, "log_folder_path": sg.LogFolderPath,
				"system_folder_path": sg.SystemFolderPath, "circular_logging": strconv.FormatBool(sg.CircularLogging),
			},
			Reason: reason, Effect: providers.Reversible,
		}), srvStep)
	}
	switch {
	case live == nil:
		create(fmt.Sprintf("storage group %s does not exist", sg.Identity()))
		return
	case live.Health != nil && !live.Health.FolderExists:
		create(fmt.Sprintf("the log folder %s is gone; a new log stream is started there", sg.LogFolderPath))
		return
	}
	if !strings.EqualFold(live.LogFolderPath, sg.LogFolderPath) || !strings.EqualFold(live.SystemFolderPath, sg.SystemFolderPath) {
		b.note("%s: the paths differ (live %s, configuration %s); moving them is Move-StorageGroupPath, which exdr does not do.",
			addr, live.LogFolderPath, sg.LogFolderPath)
	}
	if live.CircularLogging != sg.CircularLogging {
		after(b.add(&providers.Step{
			Verb: providers.VerbSetStorageGroup, Address: addr, Identity: sg.Identity(),
			Args:   map[string]string{"circular_logging": strconv.FormatBool(sg.CircularLogging)},
			Reason: fmt.Sprintf("circular logging is %s, the configuration says %s", onOff(live.CircularLogging), onOff(sg.CircularLogging)),
			Effect: providers.Reversible,
		}), srvStep)
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// Long on purpose: one switch over what the live database shows, in the
// order the damage is judged (a swap under way before a restore under
// way before a missing file ...); the order is the procedure.
func (b *builder) database(db *org.Database) {
	addr := db.Addr.String()
	id := db.Identity()
	parent := b.lastStepOf(b.storageGroupAddr(db.StorageGroup))
	if parent == nil {
		parent = b.lastStepOf(b.serverAddr(db.Server()))
	}
	live := b.liveIx.Database(id)
	kind := dbKind(db)
	mount := func(reason string, deps ...*providers.Step) *providers.Step {
		if aside := b.setAsideLogs(db.StorageGroup, append(deps, parent)...); aside != nil {
			deps = append(deps, aside)
		}
		// After the Hub Transport and Client Access rebuilds, so mail
		// flows and clients connect once users are back.
		return after(b.add(&providers.Step{
			Verb: providers.VerbMount, Address: addr, Identity: id, Reason: reason, Effect: providers.Reversible,
		}), append(append(append(deps, parent), b.hubs...), b.clientAccess...)...)
	}

	if serving, c, declared := b.standbyServing(db); serving != nil && declared {
		b.servedFromStandby(db, live, serving, c, parent, mount)
		return
	} else if serving != nil {
		// The standby block is gone from the configuration while the
		// users are served there: recovering the database at home would
		// restore an older copy and leave their newest mail behind.
		subject := db.Decl.Range
		declaredNow := "declares no standby copy for " + string(db.StorageGroup) + " any more"
		if w := b.wantIx.StorageGroup(db.StorageGroup); w != nil && w.Copy != nil && !w.Copy.Local {
			declaredNow = "names another standby for " + string(db.StorageGroup) + " (" + w.Copy.Machine + ")"
		}
		b.refuse(db.Addr.String(), &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Users served from a standby the configuration no longer declares",
			Detail: fmt.Sprintf("%s: its users are served by %s on %s, where its SCR copy was activated, and the configuration %s. Planning %s at home would restore an older copy and leave them and their newest mail there. "+
				"Put the standby block back as it was (machine = %s), with failback = true to bring them home, and plan again.",
				db.Addr, serving.Identity(), c.Machine, declaredNow, db.Identity(), c.Machine),
			Subject: &subject})
		return
	}
	if act := b.clusterActivated[db.StorageGroup.Key()]; act != nil && live != nil {
		// The CCR copy activated on the passive node is the database now.
		defer b.settle(db, live, act)
		if db.Mounted {
			mount("the activated CCR copy is mounted where the server runs now", act)
		}
		return
	}
	if live == nil {
		if src := b.moveSource(db); src != nil {
			b.move(db, src, parent, mount)
			return
		}
		args := databaseSettings(db, nil)
		args["storage_group"], args["name"], args["kind"], args["edb_file_path"] = string(db.StorageGroup), db.Name, kind, db.EdbFilePath
		create := after(b.add(&providers.Step{
			Verb: providers.VerbCreateDatabase, Address: addr, Identity: id, Args: args,
			Reason: fmt.Sprintf("database %s does not exist", id), Effect: providers.Reversible,
		}), parent)
		if db.Mounted {
			mount("a new database is mounted to serve its users", create)
		}
		return
	}

	defer b.settle(db, live, parent)
	defer b.standbyOption(db)
	h := live.Health
	if h == nil {
		return
	}
	if h.Unreadable != "" {
		b.plan.Unreadable = append(b.plan.Unreadable, Unreadable{Address: addr, Identity: id, Why: h.Unreadable})
		return
	}
	sgHealth := (*org.LogHealth)(nil)
	if sg := b.liveIx.StorageGroup(db.StorageGroup); sg != nil {
		sgHealth = sg.Health
	}
	// A healthy standby copy comes first: faster than a restore, and
	// nearer the moment of the damage.
	recover := func(damage string) bool {
		if b.activate(db, h, damage, parent, mount) || b.backfill(db, h, damage, parent, mount) {
			return true
		}
		if b.restore(db, h, damage, parent, mount) {
			b.resync(db) // what the other replicas hold newer than the backup
			return true
		}
		return false
	}
	switch {
	case h.Swap != nil:
		// Before anything the files show: mid-swap, either path may hold
		// the other database's file.
		b.dialTone(db, h, nil, "", parent, mount, dialToneSwapping)
		return
	case h.Restore != nil && h.FileExists:
		// Before anything the file itself shows: a restored file is dirty
		// and looks soft-recoverable from the wrong logs.
		damage := fmt.Sprintf("a restore of %s was interrupted before its hard recovery ran (restore.env is still in place), so the database cannot mount",
			strings.Join(h.Restore.Sets, ", "))
		if !h.Restore.FilesInPlace {
			damage = fmt.Sprintf("a restore of %s was interrupted before its files were all in place", strings.Join(h.Restore.Sets, ", "))
		}
		if !recover(damage) {
			b.lostFile(db, parent, mount)
		}
	case !h.FileExists:
		if !recover(fmt.Sprintf("the database file %s is missing (event 9547)", b.fileOf(db))) {
			b.lostFile(db, parent, mount)
		}
	case len(h.BadPages) > 0:
		damage := pagesFail(h.BadPages) + " (JET -1018)"
		if h.Foreign != "" {
			damage = fmt.Sprintf("the file at its path is not this database's: its header names %s (swapped or copied by hand)", h.Foreign)
		}
		if !recover(damage) {
			b.badPages(db, h, parent, mount)
		}
	case h.Mounted && !sgHealth.Usable(needsWhileMounted(h, sgHealth)):
		// The store runs on, but what it changed since the checkpoint is
		// only in logs that cannot be read: a crash now loses it, and a
		// backup of the storage group fails. It is recovered around them.
		need := needsWhileMounted(h, sgHealth)
		damage := fmt.Sprintf("mounted, but it needs log generations %s and %s", need, missingIn(sgHealth, need))
		if !recover(damage) {
			off := b.dismountFirst(db, parent, damage+": it is taken offline to be recovered around them")
			b.dirty(db, h, sgHealth, off, mount)
		}
	case h.State == org.StateDirty && !h.Mounted && !sgHealth.Usable(h.LogRequired):
		if !recover(fmt.Sprintf("dirty shutdown, but %s, so soft recovery cannot run", missingIn(sgHealth, h.LogRequired))) {
			b.dirty(db, h, sgHealth, parent, mount)
		}
	case h.State == org.StateDirty && !h.Mounted:
		b.dirty(db, h, sgHealth, parent, mount)
		if c := b.historyInBackups(db, h); c != nil {
			// A dial-tone database left dirty (killed as it mounted): once
			// soft recovery has mounted it, the dial tone goes on.
			recovered := *h
			recovered.Mounted = true
			b.dialTone(db, &recovered, c, b.historyDamage(db, h, c), b.lastStepOf(addr), mount, dialToneRunning)
		}
	case b.historyInBackups(db, h) != nil:
		c := b.historyInBackups(db, h)
		b.dialTone(db, h, c, b.historyDamage(db, h, c), parent, mount, dialToneRunning)
	case !h.Mounted && db.Mounted:
		mount(fmt.Sprintf("the database is dismounted (clean shutdown); the configuration says mounted = true"))
	case h.Mounted && !db.Mounted:
		after(b.add(&providers.Step{
			Verb: providers.VerbDismount, Address: addr, Identity: id,
			Reason: "the database is mounted; the configuration says mounted = false", Effect: providers.Downtime,
		}), parent)
	}
	if r := b.swappedDialTone(db, h); r != nil {
		b.finishSwappedDialTone(db, r)
	}
}

// settle brings a database's settings to the configuration, after any
// recovery planned for it. "This database can be overwritten by a
// restore" (AllowFileRestore) is exdr's to put back: a restore turns it
// on, and an interrupted one can leave it on, so it is turned off again
// unless the configuration says allow_file_restore = true.
func (b *builder) settle(db *org.Database, live *org.Database, parent *providers.Step) {
	addr, id := db.Addr.String(), db.Identity()
	args := databaseSettings(db, live)
	var reasons []string
	if len(args) > 0 {
		reasons = append(reasons, "settings differ from the configuration: "+settingNames(args))
	}
	want := db.AllowFileRestore != nil && *db.AllowFileRestore
	liveOn := live.AllowFileRestore != nil && *live.AllowFileRestore
	turnedOn := b.byID[providers.StepID(addr, providers.VerbAllowFileRestore)] != nil
	if _, set := args["allow_file_restore"]; !set && !want && (liveOn || turnedOn) {
		args["allow_file_restore"] = "false"
		if turnedOn && !liveOn {
			reasons = append(reasons, "put \"This database can be overwritten by a restore\" back as it was")
		} else {
			reasons = append(reasons, "\"This database can be overwritten by a restore\" is on, and the configuration does not ask for it "+
				"(an interrupted restore leaves it on): turned off; declare allow_file_restore = true to keep it on")
		}
	}
	if len(args) == 0 {
		return
	}
	args["kind"] = dbKind(db)
	dep := b.lastStepOf(addr)
	if dep == nil {
		dep = parent
	}
	after(b.add(&providers.Step{
		Verb: providers.VerbSetDatabase, Address: addr, Identity: id, Args: args,
		Reason: strings.Join(reasons, "; "), Effect: providers.Reversible,
	}), dep)
}

func settingNames(args map[string]string) string {
	var names []string
	for _, k := range []string{"allow_file_restore", "deleted_item_retention", "mailbox_retention", "retain_deleted_items_until_backup", "replication_interval"} {
		if v, ok := args[k]; ok {
			names = append(names, k+" → "+v)
		}
	}
	return strings.Join(names, ", ")
}

func (b *builder) storageGroupAddr(id org.Identity) string {
	if sg := b.wantIx.StorageGroup(id); sg != nil {
		return sg.Addr.String()
	}
	return ""
}

// allowed reports whether a data_loss step may be planned for db, and
// otherwise adds the refusal, naming what would allow it.
func (b *builder) allowed(db *org.Database, what, safer string) bool {
	switch {
	case db.Recovery.AllowDataLoss:
		b.consent[db.Addr.String()] = fmt.Sprintf("recovery { allow_data_loss = true } (%s)", rangeAt(db.Recovery.Range, db.Decl.Range))
		return true
	case b.opts.AllowDataLoss:
		b.consent[db.Addr.String()] = "-allow-data-loss on the command line"
		return true
	}
	subject := db.Decl.Range
	// Name the backups that could not be used: a damaged set is not the
	// same as none.
	if c := org.FindChain(b.live.Backups, db.Identity(), db.StorageGroup, db.Recovery.RestoreFrom); c != nil && len(c.Skipped) > 0 {
		what += "; backups passed over: " + strings.Join(c.Skipped, "; ")
	}
	b.refuse(db.Addr.String(), &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Recovery would lose data",
		Detail: fmt.Sprintf("%s (%s): %s. %s "+
			"To accept the loss, add recovery { allow_data_loss = true } to this block, or run with -allow-data-loss.",
			db.Addr, db.Identity(), what, safer),
		Subject: &subject,
	})
	return false
}

// rangeAt is where a setting was written, as file:line, or where its
// block starts when the setting itself has no range.
func rangeAt(r, block hcl.Range) string {
	if r.Filename == "" {
		r = block
	}
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}

// noBackupAdvice names the lossless way a refusal points to.
const noBackupAdvice = "A restore from a backup would lose nothing: with a full backup of the storage group in the catalog, exdr plans the restore instead."

// parentPath is the folder of a Windows path.
func parentPath(p string) string {
	if i := strings.LastIndexByte(p, '\\'); i > 2 {
		return p[:i]
	}
	return p
}
