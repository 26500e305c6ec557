package lab

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/backup"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/transport"
)

const sg1 = org.Identity(`MBX01\SG1`)

func takeBackup(t *testing.T, l *Lab, typ org.BackupType) *backup.Manifest {
	t.Helper()
	sets, err := l.Backup(context.Background(), sg1, typ)
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 {
		t.Fatalf("%s backup wrote %d sets", typ, len(sets))
	}
	return sets[0]
}

func traffic(t *testing.T, l *Lab, items int) {
	t.Helper()
	if _, err := l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: items, Seed: 5}); err != nil {
		t.Fatal(err)
	}
}

func restore(t *testing.T, l *Lab, rollForward bool, sets ...*backup.Manifest) {
	t.Helper()
	var ids []string
	for _, m := range sets {
		ids = append(ids, m.ID)
	}
	steps := []*providers.Step{
		{Verb: providers.VerbAllowFileRestore, Identity: db1, Args: map[string]string{"value": "true"}},
		{Verb: providers.VerbRestoreBackup, Identity: db1, Args: map[string]string{"sets": strings.Join(ids, ",")}},
		{Verb: providers.VerbHardRecovery, Identity: db1, Args: map[string]string{"roll_forward": map[bool]string{true: "true", false: "false"}[rollForward]}},
		{Verb: providers.VerbMount, Identity: db1},
	}
	for _, s := range steps {
		for range 2 { // every step may be applied twice
			if err := l.Apply(context.Background(), s, nil); err != nil {
				t.Fatalf("%s: %v", s.Verb, err)
			}
		}
	}
}

// chainLab: 10 items, full backup, 10 more, incremental, 10 more (in the
// live logs only), then DB1's file is lost.
func chainLab(t *testing.T) (*Lab, *backup.Manifest, *backup.Manifest) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 5)
	full := takeBackup(t, l, org.BackupFull)
	traffic(t, l, 5)
	incr := takeBackup(t, l, org.BackupIncremental)
	traffic(t, l, 5)
	if incr.Base != full.ID || incr.Logs.Low != full.Covers+1 || len(full.Databases) != 1 {
		t.Fatalf("chain: full %+v, incremental %+v", full, incr)
	}
	path, _ := l.DatabaseFile(db1)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	return l, full, incr
}

func TestRestoreChainAndRollForward(t *testing.T) {
	l, full, incr := chainLab(t)
	restore(t, l, true, full, incr)
	in := inspect(t, l)
	if in.Items() != 30 || !in.Mounted {
		t.Fatalf("after restore and roll-forward: %d items, mounted %v; want all 30", in.Items(), in.Mounted)
	}
	if got := subjects(in, "db1-user002"); got[len(got)-1] != "Message 15 to db1-user002" {
		t.Fatalf("the newest message is %q", got[len(got)-1])
	}
}

func TestRestoreWithoutRollForwardStopsAtTheChain(t *testing.T) {
	l, full, incr := chainLab(t)
	restore(t, l, false, full, incr)
	if in := inspect(t, l); in.Items() != 20 {
		t.Fatalf("point-in-time restore: %d items, want the 20 the chain holds", in.Items())
	}
}

func TestRollForwardStopsAtAMissingLog(t *testing.T) {
	l, full, incr := chainLab(t)
	// The generations after the incremental are lost too.
	c, _ := l.Database(db1)
	gens, _ := c.Stream.Generations()
	for _, g := range gens {
		if g > incr.Covers {
			os.Remove(c.Stream.LogPath(g))
		}
	}
	c.Stream.NewGeneration(gens[len(gens)-1] + 1) // the server wrote on after the loss
	restore(t, l, true, full, incr)
	if in := inspect(t, l); in.Items() != 20 {
		t.Fatalf("with the logs after the backup lost: %d items, want the 20 the backups hold", in.Items())
	}
}

func TestDamagedSetIsFoundAndRefused(t *testing.T) {
	l, full, incr := chainLab(t)
	f := filepath.Join(l.SetDir(incr.ID), incr.LogFiles[0].Name)
	b, _ := os.ReadFile(f)
	b[5000] ^= 0xff
	os.WriteFile(f, b, 0o644)
	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Backups) != 2 || o.Backups[0].Damaged != "" || !strings.Contains(o.Backups[1].Damaged, "fails its checksum") {
		t.Fatalf("catalog: %+v %+v", o.Backups[0], o.Backups[1])
	}
	l.Apply(context.Background(), &providers.Step{Verb: providers.VerbAllowFileRestore, Identity: db1, Args: map[string]string{"value": "true"}}, nil)
	err = l.Apply(context.Background(), &providers.Step{Verb: providers.VerbRestoreBackup, Identity: db1, Args: map[string]string{"sets": full.ID + "," + incr.ID}}, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot be used") {
		t.Fatalf("restoring through a damaged set: %v", err)
	}
}

func TestRestoreNeedsAllowFileRestore(t *testing.T) {
	l, full, _ := chainLab(t)
	err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbRestoreBackup, Identity: db1, Args: map[string]string{"sets": full.ID}}, nil)
	if err == nil || !strings.Contains(err.Error(), "AllowFileRestore") {
		t.Fatalf("restore without AllowFileRestore: %v", err)
	}
}

func TestBackupRules(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	if _, err := l.Backup(context.Background(), sg1, org.BackupIncremental); err == nil {
		t.Fatal("an incremental without a full backup succeeded")
	}
	traffic(t, l, 200)
	full := takeBackup(t, l, org.BackupFull)
	c, _ := l.Database(db1)
	cp, _ := c.Stream.Checkpoint()
	gens, _ := c.Stream.Generations()
	if gens[0] < cp {
		t.Fatalf("after a full backup generation %d below the checkpoint %d is still there", gens[0], cp)
	}
	before := len(gens)
	traffic(t, l, 200)
	diff := takeBackup(t, l, org.BackupDifferential)
	gens, _ = c.Stream.Generations()
	if diff.Base != full.ID || len(gens) < before {
		t.Fatalf("differential: base %s, %d generations (had %d): a differential must not truncate", diff.Base, len(gens), before)
	}
	in, _ := l.Inspect(db1)
	_ = in
	e, _ := ese.OpenEDB(c.Path, false)
	defer e.Close()
	if e.Hdr.LastFull == 0 || e.Hdr.LastDiff == 0 || e.Hdr.LastIncr != 0 {
		t.Fatalf("header stamps: full %d, incremental %d, differential %d", e.Hdr.LastFull, e.Hdr.LastIncr, e.Hdr.LastDiff)
	}
}

func TestBackupRefusesCorruptDatabase(t *testing.T) {
	l := newLab(t)
	path, _ := l.DatabaseFile(db1)
	f, _ := os.OpenFile(path, os.O_RDWR, 0)
	f.WriteAt([]byte("garbage"), 2*ese.PageSize+50)
	f.Close()
	// One page, said as one (it said "has 1 pages failing their checksums").
	if _, err := l.Backup(context.Background(), sg1, org.BackupFull); err == nil || !strings.Contains(err.Error(), "has page 2 failing its checksum (JET -1018)") {
		t.Fatalf("backup of a corrupt database: %v", err)
	}
}

// A restore whose hard recovery has not run is read as such, never as
// mounted, even when the file it put in place carries the signature of the
// one the store had mounted (DB1's file was lost while mounted); a restore
// cut short before its files were in place is read as unfinished.
func TestUnrecoveredRestoreIsNotMounted(t *testing.T) {
	l, full, incr := chainLab(t)
	sets := full.ID + "," + incr.ID
	ctx := context.Background()
	apply := func(s *providers.Step) {
		t.Helper()
		if err := l.Apply(ctx, s, nil); err != nil {
			t.Fatalf("%s: %v", s.Verb, err)
		}
	}
	readDB1 := func() *org.DatabaseHealth {
		t.Helper()
		o, err := l.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return org.NewIndex(o).Database(db1).Health
	}
	apply(&providers.Step{Verb: providers.VerbAllowFileRestore, Identity: db1, Args: map[string]string{"value": "true"}})
	apply(&providers.Step{Verb: providers.VerbRestoreBackup, Identity: db1, Args: map[string]string{"sets": sets}})
	h := readDB1()
	if h.Mounted || h.Restore == nil || !h.Restore.FilesInPlace || strings.Join(h.Restore.Sets, ",") != sets {
		t.Fatalf("after the restore, before hard recovery: mounted %v, restore %+v", h.Mounted, h.Restore)
	}
	if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbMount, Identity: db1}, nil); err == nil {
		t.Fatal("a restore not recovered was mounted")
	}

	// The file in place replaced by something else (a crash mid-copy, a
	// hand): the restore's files are no longer all there.
	path, _ := l.DatabaseFile(db1)
	e, err := ese.OpenEDB(path, true)
	if err != nil {
		t.Fatal(err)
	}
	e.Hdr.Signature++
	if err := e.WriteHeader(); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if h := readDB1(); h.Restore == nil || h.Restore.FilesInPlace || h.Mounted {
		t.Fatalf("a damaged restored file: mounted %v, restore %+v", h.Mounted, h.Restore)
	}
	if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbHardRecovery, Identity: db1, Args: map[string]string{"roll_forward": "true"}}, nil); err == nil {
		t.Fatal("hard recovery ran on a restore whose files are not in place")
	}

	// Restored again and recovered: nothing pending, mounted, every item.
	restore(t, l, true, full, incr)
	if h := readDB1(); h.Restore != nil || !h.Mounted {
		t.Fatalf("after hard recovery and mount: mounted %v, restore %+v", h.Mounted, h.Restore)
	}
	if in := inspect(t, l); in.Items() != 30 {
		t.Fatalf("%d items, want 30", in.Items())
	}
}

// A differential after an incremental: the incremental truncated the logs
// since the full, so the differential backs up the logs still on disk
// (Exchange does the same), and a restore needs the incremental between.
// It failed with a raw ENOENT and left a set without a manifest.
func TestDifferentialAfterIncremental(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 5)
	full := takeBackup(t, l, org.BackupFull)
	traffic(t, l, 3000) // a few generations
	// A dismount and mount move the checkpoint on, so the incremental
	// truncates the generations since the full.
	apply(t, l, providers.VerbDismount, db1)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 5)
	incr := takeBackup(t, l, org.BackupIncremental)
	traffic(t, l, 5)
	dbc, _ := l.Database(db1)
	if gens, _ := dbc.Stream.Generations(); len(gens) == 0 || gens[0] <= full.Covers+1 {
		t.Fatalf("the incremental truncated nothing (%v): the test does not test what it says", gens)
	}
	diff := takeBackup(t, l, org.BackupDifferential)
	if diff.Logs.Low <= full.Covers+1 || diff.Base != full.ID {
		t.Fatalf("differential %+v after full %+v", diff, full)
	}
	traffic(t, l, 5)
	path, _ := l.DatabaseFile(db1)
	apply(t, l, providers.VerbDismount, db1)
	os.Remove(path)
	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := org.FindChain(o.Backups, db1, sg1, time.Time{})
	if c == nil || c.IDs() != full.ID+","+incr.ID+","+diff.ID {
		t.Fatalf("chain %+v, want the full, the incremental and the differential", c)
	}
	restore(t, l, true, full, incr, diff)
	if in := inspect(t, l); in.Items() != 6040 {
		t.Fatalf("%d items after the restore, want all 6040", in.Items())
	}
	// A finished restore leaves no restore.env and no restore folder.
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "exdr-restore*"))
	if len(left) > 0 {
		t.Errorf("a finished restore left %v", left)
	}
}

// A set whose manifest is zeroed is in the catalog as damaged, with what
// its folder's name tells, never dropped without a word.
func TestZeroedManifestIsADamagedSet(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 5)
	full := takeBackup(t, l, org.BackupFull)
	if err := os.WriteFile(filepath.Join(l.SetDir(full.ID), "manifest.json"), make([]byte, 200), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Backups) != 1 || o.Backups[0].ID != full.ID || o.Backups[0].StorageGroup.Key() != sg1.Key() ||
		o.Backups[0].Type != org.BackupFull || !strings.Contains(o.Backups[0].Damaged, "manifest") {
		t.Fatalf("catalog %+v, want the set listed as damaged", o.Backups)
	}
}

// A set whose manifest is gone is listed as damaged, never dropped.
func TestSetWithoutManifestIsListed(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 5)
	full := takeBackup(t, l, org.BackupFull)
	os.Remove(filepath.Join(l.SetDir(full.ID), "manifest.json"))
	sets, err := l.Backups()
	if err != nil || len(sets) != 1 || sets[0].ID != full.ID || !strings.Contains(l.Verify(sets[0]), "no manifest") || sets[0].StorageGroup != string(sg1) {
		t.Fatalf("catalog %+v (%v), want the set listed, damaged", sets, err)
	}
}

// A backup's copy of a mounted database put over its file by hand carries
// the live file's signature, but not what the store has flushed since:
// it is not read as the attached file (the plan said "No changes", and
// dismount, traffic and backup then failed on a missing log).
func TestOldCopyOverAMountedDatabaseIsNotMounted(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 5)
	full := takeBackup(t, l, org.BackupFull)
	traffic(t, l, 8000) // generations, and checkpoints past the backup's
	path, _ := l.DatabaseFile(db1)
	copyBack, err := os.ReadFile(filepath.Join(l.SetDir(full.ID), full.Databases[0].Name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, copyBack, 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := New(l.Root(), "").Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h := org.NewIndex(o).Database(db1).Health; h.Mounted {
		t.Fatalf("the old copy reads as mounted: %+v", h)
	}
}

// progressRecorder keeps every update a step gives.
type progressRecorder struct {
	mu      sync.Mutex
	updates [][2]int64
	unit    string
}

func (r *progressRecorder) Update(done, total int64, unit string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates = append(r.updates, [2]int64{done, total})
	r.unit = unit
}

// Hard recovery says which generation of how many it replays, and ends
// at the last of them when the roll-forward goes to the newest.
func TestHardRecoveryReportsGenerationOfTotal(t *testing.T) {
	l, full, incr := chainLab(t)
	ctx := context.Background()
	for _, s := range []*providers.Step{
		{Verb: providers.VerbAllowFileRestore, Identity: db1, Args: map[string]string{"value": "true"}},
		{Verb: providers.VerbRestoreBackup, Identity: db1, Args: map[string]string{"sets": full.ID + "," + incr.ID}},
	} {
		if err := l.Apply(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	var rec progressRecorder
	if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbHardRecovery, Identity: db1, Args: map[string]string{"roll_forward": "true"}}, &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.updates) == 0 || rec.unit != "generations" {
		t.Fatalf("hard recovery reported %v in %q; want generations", rec.updates, rec.unit)
	}
	first, last := rec.updates[0], rec.updates[len(rec.updates)-1]
	if first[0] != 1 || last[1] <= 0 || last[0] != last[1] {
		t.Errorf("hard recovery went %v … %v; want generation 1 of N first and N of N last", first, last)
	}
	for _, u := range rec.updates {
		if u[1] != last[1] {
			t.Errorf("the total moved during the replay: %v", rec.updates)
			break
		}
	}
}

// A manifest edited to name a file outside its set makes the set
// damaged, never read: the restore joined each name to the set's folder,
// and "../" walked out of the lab (an adversarial review restored DB1
// from /tmp with a checksum written by the same hand).
func TestManifestNamingAFileOutsideTheSetIsDamaged(t *testing.T) {
	for _, name := range []string{"../../../outside/DB1.edb", "db/../../x.edb", "/etc/passwd", "db", "db/", "other/DB1.edb", `db/..\x.edb`, "db/a/b.edb"} {
		t.Run(name, func(t *testing.T) {
			l := newLab(t)
			apply(t, l, providers.VerbMount, db1)
			traffic(t, l, 5)
			full := takeBackup(t, l, org.BackupFull)
			path := filepath.Join(l.SetDir(full.ID), "manifest.json")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			quoted, _ := json.Marshal(name)
			edited := strings.Replace(string(b), `"db/DB1.edb"`, string(quoted), 1)
			if edited == string(b) {
				t.Fatalf("the manifest names no db/DB1.edb:\n%s", b)
			}
			if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			sets, err := l.Backups()
			if err != nil || len(sets) != 1 {
				t.Fatalf("%d sets, %v", len(sets), err)
			}
			if why := l.Verify(sets[0]); !strings.Contains(why, "not in the set's db or logs folder") {
				t.Fatalf("the set verifies as %q", why)
			}
		})
	}
}
