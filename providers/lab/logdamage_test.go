package lab

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ese"
)

// flipByte damages one byte of a log generation, as a failing disk would.
func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	f.ReadAt(b, off)
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// A generation a mounted database needs, damaged on disk: Read names it
// (damaged, not missing), inspect says its items cannot be read (it
// panicked), a backup stops as Exchange's does and leaves no set, and a
// dismount takes the database offline in dirty shutdown for a restore.
func TestDamagedLogOfAMountedDatabase(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 5)
	c, _ := l.Database(db1)
	cur, err := c.Stream.Current()
	if err != nil {
		t.Fatal(err)
	}
	flipByte(t, c.Stream.LogPath(cur), ese.LogHeaderSize+10)

	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sg := org.NewIndex(o).StorageGroup(sg1)
	if !slices.Contains(sg.Health.Corrupt, cur) || slices.Contains(sg.Health.Missing, cur) {
		t.Errorf("generation %d: corrupt %v, missing %v; want it damaged, not missing", cur, sg.Health.Corrupt, sg.Health.Missing)
	}
	in, err := l.Inspect(db1)
	if err != nil || !strings.Contains(in.ContentError, "fails its checksum") {
		t.Errorf("inspect: %v, content error %q", err, in.ContentError)
	}
	sets, _ := l.Backups()
	if _, err := l.Backup(context.Background(), sg1, org.BackupFull); err == nil || !strings.Contains(err.Error(), "cannot be backed up") {
		t.Errorf("backup over a damaged log: %v", err)
	}
	if after, _ := l.Backups(); len(after) != len(sets) {
		t.Errorf("a failed backup left %d sets, had %d", len(after), len(sets))
	}
	if err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbDismount, Identity: db1}, nil); err != nil {
		t.Fatalf("dismount: %v", err)
	}
	o, _ = l.Read(context.Background())
	if h := org.NewIndex(o).Database(db1).Health; h.Mounted || h.State != org.StateDirty {
		t.Errorf("after the dismount: mounted %v, state %s; want offline in dirty shutdown", h.Mounted, h.State)
	}
}
