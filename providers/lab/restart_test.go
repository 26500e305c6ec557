package lab

import (
	"context"
	"os"
	"path/filepath"
	"testing"

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
