package planner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// lostFile: the .edb is gone and there is no backup to restore (backups
// arrive with a later procedure), so the only way to serve the users is an
// empty database in its place.
func (b *builder) lostFile(db *org.Database, parent *providers.Step, mount func(string, ...*providers.Step) *providers.Step) {
	what := fmt.Sprintf("its file %s is missing and no usable backup exists to restore it from; the way back is an empty database, which loses every item it held", b.fileOf(db))
	if !b.allowed(db, what, "If the file was moved, put it back at its path. "+noBackupAdvice) {
		return
	}
	id := db.Identity()
	lost := "every item the database held"
	if pf := b.emptyLoses(db); pf != "" {
		lost = pf
	}
	b.plan.Losses = append(b.plan.Losses, Loss{Address: db.Addr.String(), What: lost})
	create := after(b.add(&providers.Step{
		Verb: providers.VerbCreateEmptyDatabase, Address: db.Addr.String(), Identity: id,
		Args:   map[string]string{"edb_file_path": b.fileOf(db)},
		Reason: fmt.Sprintf("the database file %s is missing (event 9547) and no usable backup exists", b.fileOf(db)),
		Effect: providers.DataLoss,
		Loss:   lost + ": no usable backup exists",
	}), parent)
	if db.Mounted {
		mount("the empty database is mounted so users can work again", create)
	}
	b.resync(db) // a public folder database's replicated folders come back
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
		Verb: providers.VerbRepairDatabase, Address: db.Addr.String(), Identity: db.Identity(), Args: map[string]string{"edb_file_path": b.fileOf(db)},
		Reason: reason, Effect: providers.DataLoss, Loss: loss,
		Estimate: b.estimate(providers.VerbRepairDatabase, int64(h.Size)),
	}), append(deps, parent)...)
	// After eseutil /p, Microsoft's sequence: an offline
	// defragmentation (eseutil /d) rebuilds the tables, then isinteg
	// -fix runs until it reports no fixes; the database mounts after.
	// ("Eseutil /P Repair Mode" and "Isinteg" in the Exchange 2007
	// Database Utilities documentation.)
	defrag := after(b.add(&providers.Step{
		Verb: providers.VerbDefragment, Address: db.Addr.String(), Identity: db.Identity(), Args: map[string]string{"edb_file_path": b.fileOf(db)},
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
			Args: replayArgs(prefix, sg, b.fileOf(db)),
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
	if len(missing) == 1 {
		parts = append(parts, "generation "+genList(missing)+" is missing")
	} else if len(missing) > 1 {
		parts = append(parts, "generations "+genList(missing)+" are missing")
	}
	if len(corrupt) == 1 {
		parts = append(parts, "generation "+genList(corrupt)+" fails its checksums")
	} else if len(corrupt) > 1 {
		parts = append(parts, "generations "+genList(corrupt)+" fail their checksums")
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
