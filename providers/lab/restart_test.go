package lab

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
)

// A mount that finds the log folder emptied restarts the stream: the
// directory takes a new signature, then the group's clean files are
// attached to it. Killed between the two, DB1's file (clean, whole) was
// read as a copy from elsewhere, and the next plan restored an old
// backup over it (adversarial review). It is the group's still, and its
// mount attaches it.
func TestFileOfARestartedStreamIsTheGroups(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	apply(t, l, providers.VerbDismount, db1)
	logs, err := l.HostPath("MBX01", `D:\Exchange\SG1`)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(logs)
	for _, e := range entries {
		os.Remove(filepath.Join(logs, e.Name()))
	}
	// The restart killed after its directory write: a new signature, the
	// old one kept among the restarted, the file not attached yet.
	if err := l.UpdateDirectory(func(d *ad.Directory) error {
		g := d.StorageGroup(`MBX01\SG1`)
		g.Restarted = append(g.Restarted, g.Signature)
		g.Signature++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if h := health(t, l); h.Foreign != "" || len(h.BadPages) > 0 || h.State != org.StateClean {
		t.Fatalf("read as %+v; want DB1's own clean file", h)
	}
	if err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbMount, Identity: db1}, nil); err != nil {
		t.Fatalf("mount: %v", err)
	}
	if h := health(t, l); !h.Mounted {
		t.Fatalf("after the mount: %+v", h)
	}
}

// A VSS restore that puts the backup's stream back in the folder leaves
// the stream the group had: a clean file attached to that one (a mount
// restarted the emptied folder's stream, attached every clean file of
// the group, and was killed before its own went on) is still the
// group's. returnToStream did not keep the stream it left among the
// restarted ones, and DB2 then read as "a copy from elsewhere", which a
// plan restores an old backup over (review).
func TestVSSReturnKeepsTheStreamItLeaves(t *testing.T) {
	l := newLab(t)
	db2 := org.Identity(`MBX01\SG1\DB2`)
	if err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbCreateDatabase, Identity: db2,
		Args: map[string]string{"storage_group": string(sg1), "name": "DB2", "edb_file_path": `E:\Exchange\SG1\DB2.edb`}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []org.Identity{db1, db2} {
		apply(t, l, providers.VerbMount, id)
		apply(t, l, providers.VerbDismount, id)
	}
	if _, err := l.BackupWith(context.Background(), sg1, org.BackupFull, "vss"); err != nil {
		t.Fatal(err)
	}
	// The folder emptied by hand; a mount of DB2 restarts the stream and
	// attaches both clean files to it, then is stopped before it mounts:
	// the same files as a kill there leaves.
	logs, err := l.HostPath("MBX01", `D:\Exchange\SG1`)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(logs)
	for _, e := range entries {
		os.Remove(filepath.Join(logs, e.Name()))
	}
	apply(t, l, providers.VerbMount, db2)
	apply(t, l, providers.VerbDismount, db2)
	entries, _ = os.ReadDir(logs)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".log") || strings.HasSuffix(e.Name(), ".chk") {
			os.Remove(filepath.Join(logs, e.Name())) // the restart's generations, empty but for the mount
		}
	}
	var restarted uint64
	l.ViewDirectory(func(d *ad.Directory) error {
		restarted = d.StorageGroup(sg1).Signature
		return nil
	})

	// DB1 is lost and comes back from the VSS set: the backup's stream is
	// the group's again.
	path, _ := l.HostPath("MBX01", `E:\Exchange\SG1\DB1.edb`)
	os.Remove(path)
	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := org.FindChain(o.Backups, db1, sg1, time.Time{})
	if c == nil {
		t.Fatal("no chain")
	}
	for _, s := range []*providers.Step{
		{Verb: providers.VerbAllowFileRestore, Identity: db1, Args: map[string]string{"value": "true"}},
		{Verb: providers.VerbRestoreBackup, Identity: db1, Args: map[string]string{"sets": c.IDs()}},
	} {
		if err := l.Apply(context.Background(), s, nil); err != nil {
			t.Fatalf("%s: %v", s.Verb, err)
		}
	}
	var g ad.StorageGroup
	l.ViewDirectory(func(d *ad.Directory) error {
		g = *d.StorageGroup(sg1)
		return nil
	})
	if g.Signature == restarted || !g.OwnStream(restarted, true) {
		t.Fatalf("after the VSS restore the group is on %x with %x restarted; want %x, the stream it left, still its own", g.Signature, g.Restarted, restarted)
	}
}
