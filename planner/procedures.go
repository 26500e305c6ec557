package planner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

func (b *builder) server(s *org.Server) {
	addr := s.Addr.String()
	live := b.liveIx.Server(s.Name)
	args := map[string]string{"server": s.Name, "roles": s.Roles.String(), "site": s.Site, "edition": s.Edition.String()}
	switch {
	case live == nil && b.priorLife(s.Name) != "":
		// RecoverServer needs the directory entry; a fresh install would
		// give the databases new identities under the same names.
		subject := s.Decl.Range
		b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Server missing from Active Directory",
			Detail: fmt.Sprintf("%s: server %s has no object in Active Directory, yet %s: it existed, and its directory entry is gone. "+
				"Setup /m:RecoverServer needs that entry, and a fresh install would give its storage groups and databases new objects, stranding those mailboxes and backups. "+
				"Restore the server's object from an Active Directory backup (an authoritative restore of the configuration partition), then plan again.", addr, s.Name, b.priorLife(s.Name)),
			Subject: &subject})
		return
	case live == nil:
		args["setup"] = "install"
		b.trackHub(s, b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("server %s does not exist", s.Name), Effect: providers.Reversible,
		}))
		return
	case live.Health != nil && live.Health.Up && live.Health.SetupIncomplete:
		args["setup"] = "resume"
		b.trackHub(s, b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("Setup did not finish on %s (its Watermark is left in the registry under HKLM\\SOFTWARE\\Microsoft\\Exchange\\v8.0): "+
				"Setup run again resumes from it", s.Name),
			Effect: providers.Reversible,
		}))
		return
	case live.Health != nil && !live.Health.Up && s.Roles.Has(org.RoleEdgeTransport):
		// Edge keeps its configuration in ADAM, not AD: RecoverServer
		// does not apply.
		args["setup"] = "install"
		b.trackHub(s, b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("Edge server %s does not answer; Edge is not recovered with /m:RecoverServer: the role is installed again with the same name", s.Name),
			Effect: providers.Reversible,
		}))
		if s.Edge == nil || s.Edge.ClonedConfig == "" {
			b.note("%s: it comes back with the default Edge configuration: declare edge { cloned_config = \"...\" } with its export so that a rebuild restores its connectors, agents and settings.", addr)
		}
		return
	case live.Health != nil && !live.Health.Up:
		why := "its disks are gone"
		if live.Health.DisksSurvive {
			why = "its machine has failed and its disks survive, to be moved to the new machine"
		}
		args["setup"] = "recover_server"
		b.trackHub(s, b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("server %s does not answer: %s; its Active Directory object remains, so it is rebuilt with the same name and roles (%s)", s.Name, why, s.Roles),
			Effect: providers.Reversible,
		}))
		if s.Roles.Has(org.RoleClientAccess) {
			b.note("%s: RecoverServer brings Client Access back with default virtual directories; re-apply OWA, ActiveSync and certificate customizations from your change log (do not restore an old IIS metabase).", addr)
		}
		if s.Roles.Has(org.RoleUnifiedMessaging) {
			b.note("%s: if it published Unified Messaging prompts, restore UnifiedMessaging\\Prompts from a file backup.", addr)
		}
		if s.Roles.Has(org.RoleHubTransport) && !live.Health.DisksSurvive {
			b.note("%s: its queue database, and any mail it held, went with its disks; it starts with a new one.", addr)
		}
		return
	}
	if live.Roles != s.Roles {
		b.note("%s: the roles differ (live %s, configuration %s); exdr does not add or remove roles.", addr, live.Roles, s.Roles)
	}
}

// trackHub remembers the rebuild of a Hub Transport or Client Access
// server with no other of its role up in its site: databases mount (the
// users are back) only after it, so that mail flows and clients can
// connect when they are.
func (b *builder) trackHub(s *org.Server, step *providers.Step) {
	if s.Roles.Has(org.RoleHubTransport) && !b.otherUp(s, org.RoleHubTransport) {
		b.hubs = append(b.hubs, step)
	}
	if s.Roles.Has(org.RoleClientAccess) && !b.otherUp(s, org.RoleClientAccess) {
		b.clientAccess = append(b.clientAccess, step)
	}
}

// otherUp reports whether another server with the role answers in s's
// site.
func (b *builder) otherUp(s *org.Server, role org.Role) bool {
	for _, o := range b.live.Servers {
		if !strings.EqualFold(o.Name, s.Name) && o.Roles.Has(role) && strings.EqualFold(o.Site, s.Site) && o.Health != nil && o.Health.Up {
			return true
		}
	}
	return false
}

func (b *builder) storageGroup(sg *org.StorageGroup) {
	addr := sg.Addr.String()
	srvStep := b.lastStepOf(b.serverAddr(sg.Server))
	live := b.liveIx.StorageGroup(sg.Identity())
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

// serverAddr finds the configuration address of a server by name.
func (b *builder) serverAddr(name string) string {
	if s := b.wantIx.Server(name); s != nil {
		return s.Addr.String()
	}
	return ""
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
		return b.activate(db, h, damage, parent, mount) || b.restore(db, h, damage, parent, mount)
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
		if !recover(fmt.Sprintf("the database file %s is missing (event 9547)", db.EdbFilePath)) {
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
	for _, k := range []string{"allow_file_restore", "deleted_item_retention", "mailbox_retention", "retain_deleted_items_until_backup"} {
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

// lostFile: the .edb is gone and there is no backup to restore (backups
// arrive with a later procedure), so the only way to serve the users is an
// empty database in its place.
func (b *builder) lostFile(db *org.Database, parent *providers.Step, mount func(string, ...*providers.Step) *providers.Step) {
	what := fmt.Sprintf("its file %s is missing and no usable backup exists to restore it from; the way back is an empty database, which loses every item it held", db.EdbFilePath)
	if !b.allowed(db, what, "If the file was moved, put it back at its path. "+noBackupAdvice) {
		return
	}
	id := db.Identity()
	b.plan.Losses = append(b.plan.Losses, Loss{Address: db.Addr.String(), What: "every item the database held"})
	create := after(b.add(&providers.Step{
		Verb: providers.VerbCreateEmptyDatabase, Address: db.Addr.String(), Identity: id,
		Args:   map[string]string{"edb_file_path": db.EdbFilePath},
		Reason: fmt.Sprintf("the database file %s is missing (event 9547) and no usable backup exists", db.EdbFilePath),
		Effect: providers.DataLoss,
		Loss:   "every item the database held: no usable backup exists",
	}), parent)
	if db.Mounted {
		mount("the empty database is mounted so users can work again", create)
	}
}

// badPages: pages fail their checksums (JET -1018). Without a backup the
// way back is eseutil /p, which discards them.
func (b *builder) badPages(db *org.Database, h *org.DatabaseHealth, parent *providers.Step, mount func(string, ...*providers.Step) *providers.Step) {
	pages := pageList(h.BadPages)
	fail, discards := pagesFail(h.BadPages), "eseutil /p discards them and what they hold"
	if len(h.BadPages) == 1 {
		discards = "eseutil /p discards it and what it holds"
	}
	what := fmt.Sprintf("%s (JET -1018) and no usable backup exists; %s", fail, discards)
	if !b.allowed(db, what, noBackupAdvice) {
		return
	}
	var deps []*providers.Step
	if h.Mounted {
		deps = append(deps, b.dismountFirst(db, parent, "eseutil /p works on a dismounted database"))
	}
	loss := pages + " and what they held"
	if len(h.BadPages) == 1 {
		loss = pages + " and what it held"
	}
	if h.ItemsAtRisk > 0 {
		loss += fmt.Sprintf(": about %s", plural(h.ItemsAtRisk, "item"))
	}
	b.repair(db, h, fmt.Sprintf("%s (JET -1018) and no usable backup exists", fail), loss, parent, mount, deps...)
}

func (b *builder) dismountFirst(db *org.Database, parent *providers.Step, why string) *providers.Step {
	return after(b.add(&providers.Step{
		Verb: providers.VerbDismount, Address: db.Addr.String(), Identity: db.Identity(),
		Reason: why, Effect: providers.Downtime,
	}), parent)
}

func (b *builder) repair(db *org.Database, h *org.DatabaseHealth, reason, loss string, parent *providers.Step,
	mount func(string, ...*providers.Step) *providers.Step, deps ...*providers.Step) {
	// The copy set aside (100%), eseutil /p's working space (20%), then
	// the defragmented file (110% of the result) while the copy remains.
	if !b.roomFor(db, int64(h.Size)*23/10, "eseutil /p with its copy set aside, then eseutil /d") {
		return
	}
	b.plan.Losses = append(b.plan.Losses, Loss{Address: db.Addr.String(), What: loss})
	s := after(b.add(&providers.Step{
		Verb: providers.VerbRepairDatabase, Address: db.Addr.String(), Identity: db.Identity(), Args: map[string]string{"edb_file_path": db.EdbFilePath},
		Reason: reason, Effect: providers.DataLoss, Loss: loss,
		Estimate: b.estimate(providers.VerbRepairDatabase, int64(h.Size)),
	}), append(deps, parent)...)
	// After eseutil /p, Microsoft's sequence: an offline
	// defragmentation (eseutil /d) rebuilds the tables, then isinteg
	// -fix runs until it reports no fixes; the database mounts after.
	// ("Eseutil /P Repair Mode" and "Isinteg" in the Exchange 2007
	// Database Utilities documentation.)
	defrag := after(b.add(&providers.Step{
		Verb: providers.VerbDefragment, Address: db.Addr.String(), Identity: db.Identity(), Args: map[string]string{"edb_file_path": db.EdbFilePath},
		Reason: "after eseutil /p, an offline defragmentation rebuilds the repaired database into a new file (the old one is kept aside); it needs free space of 110% of the result",
		Effect: providers.Downtime, Estimate: b.estimate(providers.VerbDefragment, int64(h.Size)),
	}), s)
	check := after(b.add(&providers.Step{
		Verb: providers.VerbIntegrityCheck, Address: db.Addr.String(), Identity: db.Identity(),
		Reason: "then isinteg fixes what the repair left inconsistent at the level of mailboxes and items",
		Effect: providers.Reversible,
	}), defrag)
	b.note("%s: after a repair, take a full backup, and consider moving its mailboxes to a new database (Move-Mailbox).", db.Addr)
	if db.Mounted {
		mount("the repaired database is mounted", check)
	}
}

// dirty: a dirty shutdown. With every required log present, soft recovery
// replays them and loses nothing; without, only a repair remains.
func (b *builder) dirty(db *org.Database, h *org.DatabaseHealth, logs *org.LogHealth, parent *providers.Step, mount func(string, ...*providers.Step) *providers.Step) {
	sg := b.liveIx.StorageGroup(db.StorageGroup)
	if logs.Usable(h.LogRequired) {
		prefix := logs.Prefix
		s := after(b.add(&providers.Step{
			Verb: providers.VerbReplayLogs, Address: db.Addr.String(), Identity: db.Identity(),
			Args: replayArgs(prefix, sg, db.EdbFilePath),
			Reason: fmt.Sprintf("dirty shutdown with every required log present (generations %s): soft recovery replays them, losing nothing",
				h.LogRequired),
			Effect:   providers.Reversible,
			Estimate: b.estimate(providers.VerbReplayLogs, int64(h.LogRequired.High-h.LogRequired.Low+1)),
		}), parent)
		if db.Mounted {
			mount("the recovered database is mounted", s)
		}
		return
	}
	gone := missingIn(logs, h.LogRequired)
	state := "in dirty shutdown"
	if h.Mounted {
		state = "mounted (a crash would need them)"
	}
	what := fmt.Sprintf("it is %s and needs log generations %s, but %s; soft recovery cannot run and no usable backup exists, so eseutil /p would discard the changes in those logs",
		state, h.LogRequired, gone)
	if !b.allowed(db, what, "If the logs were moved, put them back in the log folder; then soft recovery loses nothing. "+
		"A restore from a backup would lose less: only what was logged from the first unreadable generation on (with a full backup of the storage group in the catalog, exdr plans it instead).") {
		return
	}
	b.repair(db, h, fmt.Sprintf("dirty shutdown, but %s, so soft recovery cannot run and no usable backup exists", gone),
		fmt.Sprintf("the changes in log generations %s not yet written to the database", h.LogRequired), parent, mount)
}

// setAsideLogs returns the step that moves a storage group's unreadable
// current log generations aside, made once for the group and waiting for
// deps (each database's recovery up to its mount), or nil when its newest
// generation reads. No database of the group mounts while the current log
// fails its checksums (ESE's -501): the damaged tail is moved into an
// exdr-aside folder, kept, and the next mount starts a new generation.
func (b *builder) setAsideLogs(sgID org.Identity, deps ...*providers.Step) *providers.Step {
	sg := b.liveIx.StorageGroup(sgID)
	if sg == nil || sg.Health == nil {
		return nil
	}
	from := damagedTail(sg.Health)
	if from == 0 {
		return nil
	}
	s := b.setAside[sgID.Key()]
	if s == nil {
		addr := string(sgID)
		if want := b.wantIx.StorageGroup(sgID); want != nil {
			addr = want.Addr.String()
		}
		prev := b.last[addr]
		h := sg.Health
		s = b.add(&providers.Step{
			Verb: providers.VerbSetAsideLogs, Address: addr, Identity: sgID,
			Args: map[string]string{"from": strconv.FormatUint(uint64(from), 10), "log_file_prefix": h.Prefix, "log_folder_path": sg.LogFolderPath},
			Reason: fmt.Sprintf("log generation %s, the newest, fails its checksums: no database of %s mounts while it is the current log; "+
				"it is moved into an exdr-aside folder in the log folder (kept), and the next mount starts generation %d", genList(tailOf(h, from)), sgID, h.OnDisk.High+1),
			Effect:   providers.Irreversible,
			Estimate: b.estimate(providers.VerbSetAsideLogs, 0),
		})
		// Not the group's last step: the databases that wait for it must
		// not become its parents.
		b.last[addr] = prev
		b.setAside[sgID.Key()] = s
	}
	return after(s, deps...)
}

// damagedTail is the first of the generations at the top of the stream
// that fail their checksums, the newest among them; 0 when the newest
// reads.
func damagedTail(h *org.LogHealth) uint32 {
	if h.OnDisk.High == 0 || !slices.Contains(h.Corrupt, h.OnDisk.High) {
		return 0
	}
	from := h.OnDisk.High
	for from > h.OnDisk.Low && slices.Contains(h.Corrupt, from-1) {
		from--
	}
	return from
}

func tailOf(h *org.LogHealth, from uint32) []uint32 {
	var out []uint32
	for g := from; g <= h.OnDisk.High; g++ {
		out = append(out, g)
	}
	return out
}

// needsWhileMounted is what a mounted database needs to recover from a
// crash: its storage group's generations from the checkpoint on (its
// header's own low mark may predate a truncation).
func needsWhileMounted(h *org.DatabaseHealth, logs *org.LogHealth) org.LogRange {
	r := h.LogRequired
	if logs != nil {
		r.Low = max(r.Low, logs.Checkpoint)
	}
	return r
}

func missingIn(h *org.LogHealth, r org.LogRange) string {
	if h == nil || !h.FolderExists {
		return "the log folder is gone"
	}
	var missing, corrupt []uint32
	for _, g := range h.Missing {
		if g >= r.Low && g <= r.High {
			missing = append(missing, g)
		}
	}
	for _, g := range h.Corrupt {
		if g >= r.Low && g <= r.High {
			corrupt = append(corrupt, g)
		}
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "generation "+genList(missing)+" is missing")
	}
	if len(corrupt) > 0 {
		parts = append(parts, "generation "+genList(corrupt)+" fails its checksums")
	}
	if len(parts) == 0 {
		return fmt.Sprintf("the logs on disk (%s) do not cover them", h.OnDisk)
	}
	return strings.Join(parts, " and ")
}

func genList(gs []uint32) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = strconv.FormatUint(uint64(g), 10)
	}
	return strings.Join(parts, ", ")
}

// noBackupAdvice names the lossless way a refusal points to.
const noBackupAdvice = "A restore from a backup would lose nothing: with a full backup of the storage group in the catalog, exdr plans the restore instead."

// pagesFail says which pages fail their checksums, with the verb agreeing.
func pagesFail(pages []uint32) string {
	if len(pages) == 1 {
		return pageList(pages) + " fails its checksum"
	}
	return pageList(pages) + " fail their checksums"
}

func pageList(pages []uint32) string {
	const show = 5
	parts := make([]string, 0, show)
	for i, p := range pages {
		if i == show {
			break
		}
		parts = append(parts, strconv.FormatUint(uint64(p), 10))
	}
	s := strings.Join(parts, ", ")
	if len(pages) > show {
		s += fmt.Sprintf(" and %d more", len(pages)-show)
	}
	if len(pages) == 1 {
		if pages[0] == 0 {
			return "the header page (page 0)"
		}
		return "page " + s
	}
	return fmt.Sprintf("%d pages (%s)", len(pages), s)
}

// parentPath is the folder of a Windows path.
func parentPath(p string) string {
	if i := strings.LastIndexByte(p, '\\'); i > 2 {
		return p[:i]
	}
	return p
}

// priorLife says what in the live organization shows that a server absent
// from the directory existed: mailboxes homed on its databases, backups
// of its storage groups. Empty when nothing does (a server never built).
func (b *builder) priorLife(server string) string {
	prefix := strings.ToLower(server) + `\`
	mailboxes, sets := 0, 0
	for _, m := range b.live.Mailboxes {
		if m.Health != nil && m.Health.InDirectory && strings.HasPrefix(strings.ToLower(string(m.Database)), prefix) {
			mailboxes++
		}
	}
	for _, set := range b.live.Backups {
		if strings.HasPrefix(strings.ToLower(string(set.StorageGroup)), prefix) {
			sets++
		}
	}
	var out []string
	if mailboxes > 0 {
		verb := "are"
		if mailboxes == 1 {
			verb = "is"
		}
		out = append(out, fmt.Sprintf("%s %s homed on its databases", plural(mailboxes, "mailbox"), verb))
	}
	if sets > 0 {
		out = append(out, fmt.Sprintf("the backup catalog holds %s of its storage groups", plural(sets, "set")))
	}
	return strings.Join(out, " and ")
}
