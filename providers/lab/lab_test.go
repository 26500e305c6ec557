package lab

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ese"
)

const db1 = org.Identity(`MBX01\SG1\DB1`)

// newLab makes a lab with MBX01, SG1 and DB1 (not mounted).
func newLab(t *testing.T) *Lab {
	t.Helper()
	l, err := Init(t.TempDir(), "Test")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range buildSteps() {
		if err := l.Apply(context.Background(), s, nil); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func buildSteps() []*providers.Step {
	return []*providers.Step{
		{Verb: providers.VerbCreateServer, Identity: "MBX01", Args: map[string]string{"server": "MBX01", "roles": "mailbox", "edition": "enterprise"}},
		{Verb: providers.VerbCreateStorageGroup, Identity: `MBX01\SG1`, Args: map[string]string{"server": "MBX01", "name": "SG1", "log_folder_path": `D:\Exchange\SG1`}},
		{Verb: providers.VerbCreateDatabase, Identity: db1, Args: map[string]string{"storage_group": `MBX01\SG1`, "name": "DB1", "edb_file_path": `E:\Exchange\SG1\DB1.edb`}},
	}
}

func apply(t *testing.T, l *Lab, v providers.Verb, id org.Identity) {
	t.Helper()
	if err := l.Apply(context.Background(), &providers.Step{Verb: v, Identity: id}, nil); err != nil {
		t.Fatal(err)
	}
}

func health(t *testing.T, l *Lab) *org.DatabaseHealth {
	t.Helper()
	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Databases) != 1 {
		t.Fatalf("read %d databases, want 1", len(o.Databases))
	}
	return o.Databases[0].Health
}

func TestMountDismountFlushesTheLog(t *testing.T) {
	l := newLab(t)
	if h := health(t, l); !h.FileExists || h.State != org.StateClean || h.Mounted || h.Pages != ese.InitialPages {
		t.Fatalf("new database: %+v", h)
	}
	apply(t, l, providers.VerbMount, db1)
	if h := health(t, l); h.State != org.StateDirty || !h.Mounted {
		t.Fatalf("mounted database: %+v; want dirty (attached) and mounted", h)
	}
	// The mount's catalog change is in the log only, until the checkpoint.
	if n, _ := l.Catalog(db1); n != 0 {
		t.Fatalf("pages count %d mounts before dismount, want 0", n)
	}
	apply(t, l, providers.VerbDismount, db1)
	if h := health(t, l); h.State != org.StateClean || h.Mounted {
		t.Fatalf("dismounted database: %+v", h)
	}
	if n, _ := l.Catalog(db1); n != 1 {
		t.Fatalf("pages count %d mounts after dismount, want 1", n)
	}
}

func TestCrashThenSoftRecoveryReplaysTheLog(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	apply(t, l, providers.VerbDismount, db1)
	apply(t, l, providers.VerbMount, db1)
	if err := l.Crash("MBX01"); err != nil {
		t.Fatal(err)
	}
	h := health(t, l)
	if h.State != org.StateDirty || h.Mounted || h.LogRequired.Empty() {
		t.Fatalf("after a crash: %+v; want dirty, not mounted, logs required", h)
	}
	if err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbMount, Identity: db1}, nil); err == nil {
		t.Fatal("mounting a dirty database succeeded; soft recovery must come first")
	}
	if n, _ := l.Catalog(db1); n != 1 {
		t.Fatalf("after the crash the pages count %d mounts, want 1 (the second is only in the log)", n)
	}
	apply(t, l, providers.VerbReplayLogs, db1)
	if n, _ := l.Catalog(db1); n != 2 {
		t.Fatalf("after replay the pages count %d mounts, want 2", n)
	}
	apply(t, l, providers.VerbReplayLogs, db1) // idempotent
	apply(t, l, providers.VerbMount, db1)
	if h := health(t, l); !h.Mounted {
		t.Fatalf("after recovery and mount: %+v", h)
	}
}

func TestMissingLogStopsSoftRecovery(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	l.Crash("MBX01")
	c, _ := l.Database(db1)
	cur, _ := c.Stream.Current()
	if err := os.Remove(c.Stream.LogPath(cur)); err != nil {
		t.Fatal(err)
	}
	o, _ := l.Read(context.Background())
	if lh := o.StorageGroups[0].Health; len(lh.Missing) != 1 || lh.Missing[0] != cur || lh.Usable(o.Databases[0].Health.LogRequired) {
		t.Fatalf("log health %+v does not show generation %d missing", lh, cur)
	}
	if err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbReplayLogs, Identity: db1}, nil); err == nil {
		t.Fatal("soft recovery succeeded without its log")
	}
	if h := health(t, l); h.State != org.StateDirty {
		t.Fatalf("a failed soft recovery left the database %s", h.State)
	}
}

func TestCorruptPageIsFoundAndRepaired(t *testing.T) {
	l := newLab(t)
	path, _ := l.DatabaseFile(db1)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xde, 0xad, 0xbe, 0xef}, 3*ese.PageSize+100); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if h := health(t, l); len(h.BadPages) != 1 || h.BadPages[0] != 3 {
		t.Fatalf("bad pages = %v, want [3]", h.BadPages)
	}
	if err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbMount, Identity: db1}, nil); err == nil {
		t.Fatal("mounted a database with a page failing its checksum")
	}
	apply(t, l, providers.VerbRepairDatabase, db1)
	h := health(t, l)
	if len(h.BadPages) != 0 || h.State != org.StateClean || h.RepairCount != 1 {
		t.Fatalf("after repair: %+v", h)
	}
	if n, err := l.Catalog(db1); err != nil || n != 0 {
		t.Fatalf("the catalog page (intact) did not survive repair: %d, %v", n, err)
	}
	aside, _ := os.ReadDir(filepath.Dir(path) + "/exdr-aside")
	if len(aside) != 1 {
		t.Fatalf("repair left %d copies aside, want 1", len(aside))
	}
	apply(t, l, providers.VerbRepairDatabase, db1) // nothing left to repair
	if h := health(t, l); h.RepairCount != 1 {
		t.Fatalf("a second repair ran: count %d", h.RepairCount)
	}
}

func TestLostFileAndEmptyDatabase(t *testing.T) {
	l := newLab(t)
	path, _ := l.DatabaseFile(db1)
	os.Remove(path)
	if h := health(t, l); h.FileExists {
		t.Fatal("a deleted file reads as present")
	}
	if err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbMount, Identity: db1}, nil); err == nil {
		t.Fatal("mounted a database whose file is missing")
	}
	step := &providers.Step{Verb: providers.VerbCreateEmptyDatabase, Identity: db1}
	if err := l.Apply(context.Background(), step, nil); err != nil {
		t.Fatal(err)
	}
	if err := l.Apply(context.Background(), step, nil); err != nil { // idempotent
		t.Fatal(err)
	}
	apply(t, l, providers.VerbMount, db1)
	if h := health(t, l); !h.Mounted || len(h.BadPages) != 0 {
		t.Fatalf("the empty database: %+v", h)
	}
}

func TestCreateRefusesForeignFile(t *testing.T) {
	l := newLab(t)
	steps := buildSteps()
	other := &providers.Step{Verb: providers.VerbCreateDatabase, Identity: `MBX01\SG1\DB2`,
		Args: map[string]string{"storage_group": `MBX01\SG1`, "name": "DB2", "edb_file_path": `E:\Exchange\SG1\DB1.edb`}}
	if err := l.Apply(context.Background(), other, nil); err == nil {
		t.Fatal("created a database over another database's file")
	}
	if err := l.Apply(context.Background(), steps[2], nil); err != nil {
		t.Fatalf("re-creating DB1 over its own file: %v", err)
	}
}

// A database whose file is damaged, replaced by an empty one (dial tone,
// or a loss the configuration allows): the damaged file is set aside,
// never kept in place, and the new file is empty and whole. Applied
// again, the step keeps the fresh empty file it made.
func TestEmptyDatabaseSetsTheDamagedFileAside(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	apply(t, l, providers.VerbDismount, db1)
	if err := l.CorruptPage(db1, 1); err != nil {
		t.Fatal(err)
	}
	if h := health(t, l); len(h.BadPages) == 0 {
		t.Fatal("the corrupted page reads as whole")
	}
	path, _ := l.DatabaseFile(db1)
	damaged, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	step := &providers.Step{Verb: providers.VerbCreateEmptyDatabase, Identity: db1}
	if err := l.Apply(context.Background(), step, nil); err != nil {
		t.Fatal(err)
	}
	if h := health(t, l); len(h.BadPages) != 0 || h.State != org.StateClean {
		t.Fatalf("after create_empty_database the file is %+v; want a new, whole, clean one", h)
	}
	aside, err := filepath.Glob(filepath.Join(filepath.Dir(path), "exdr-aside", "*", filepath.Base(path)))
	if err != nil || len(aside) != 1 {
		t.Fatalf("the damaged file set aside: %v (%v); want one copy in exdr-aside", aside, err)
	}
	if kept, err := os.ReadFile(aside[0]); err != nil || !bytes.Equal(kept, damaged) {
		t.Fatalf("the file set aside is not the damaged file, byte for byte (%v)", err)
	}
	fresh, _ := os.ReadFile(path)
	if err := l.Apply(context.Background(), step, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, fresh) {
		t.Error("applied again, create_empty_database replaced the fresh empty file it made")
	}
	apply(t, l, providers.VerbMount, db1)
	if h := health(t, l); !h.Mounted || len(h.BadPages) != 0 {
		t.Fatalf("the empty database does not mount: %+v", h)
	}
}

// Another database's file at a database's path is mounted only with
// AllowFileRestore, as Exchange's database portability requires; then it
// becomes this database's, in this storage group's stream. Before, the
// lab mounted it silently and the next read found a foreign file.
func TestMountTakesAnotherDatabasesFileOnlyWhenAllowed(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	apply(t, l, providers.VerbDismount, db1)
	db2 := org.Identity(`MBX01\SG1\DB2`)
	create := &providers.Step{Verb: providers.VerbCreateDatabase, Identity: db2,
		Args: map[string]string{"storage_group": `MBX01\SG1`, "name": "DB2", "edb_file_path": `E:\Exchange\SG1\DB2.edb`, "object_only": "true"}}
	if err := l.Apply(context.Background(), create, nil); err != nil {
		t.Fatal(err)
	}
	from, err := l.HostPath("MBX01", `E:\Exchange\SG1\DB1.edb`)
	if err != nil {
		t.Fatal(err)
	}
	to, err := l.HostPath("MBX01", `E:\Exchange\SG1\DB2.edb`)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
	err = l.Apply(context.Background(), &providers.Step{Verb: providers.VerbMount, Identity: db2}, nil)
	if err == nil || !strings.Contains(err.Error(), "AllowFileRestore") {
		t.Fatalf("mounting DB1's file as DB2: %v, want a refusal naming AllowFileRestore", err)
	}
	allow := &providers.Step{Verb: providers.VerbAllowFileRestore, Identity: db2, Args: map[string]string{"value": "true"}}
	if err := l.Apply(context.Background(), allow, nil); err != nil {
		t.Fatal(err)
	}
	apply(t, l, providers.VerbMount, db2)
	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, db := range o.Databases {
		if h := db.Health; db.Identity() == db2 && (h.Foreign != "" || !h.Mounted || len(h.BadPages) > 0) {
			t.Errorf("DB2 after the mount: %+v", h)
		}
	}
}

// Time passes with a server lost: moving the clock purges what it can
// and does not fail on the lost server's databases (it moved the clock,
// then said "server MBX01 is down").
func TestClockMovesWithAServerLost(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	if err := l.LoseServer("MBX01"); err != nil {
		t.Fatal(err)
	}
	before := l.Now()
	if _, err := l.Advance(2 * time.Hour); err != nil {
		t.Fatalf("moving the clock with MBX01 lost: %v", err)
	}
	if got := l.Now().Sub(before); got < 2*time.Hour {
		t.Errorf("the clock moved %s", got)
	}
}

// New-StorageGroup refuses a log folder another storage group of the
// server uses (the lab accepted it, mixing two streams in one folder).
func TestStorageGroupLogFolderIsItsOwn(t *testing.T) {
	l := newLab(t)
	second := &providers.Step{Verb: providers.VerbCreateStorageGroup, Identity: `MBX01\First Storage Group`,
		Args: map[string]string{"server": "MBX01", "name": "First Storage Group", "log_folder_path": `D:\Exchange\SG1\`}}
	err := l.Apply(context.Background(), second, nil)
	if err == nil || !strings.Contains(err.Error(), `storage group MBX01\SG1's`) {
		t.Fatalf("a second storage group in SG1's log folder: %v", err)
	}
}
