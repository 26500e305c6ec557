package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/disk"
)

// A database named ".." (from a configuration of an earlier exdr, a
// directory edited by hand, a plan file changed) is refused before any
// file operation: its restore once removed the folder holding it, another
// live database and the copy set aside.
func TestPathElementNamesAreRefused(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	dir := filepath.Dir(mustPath(t, l))
	before := listFiles(t, dir)
	for _, step := range []*providers.Step{
		{Verb: providers.VerbCreateDatabase, Identity: `MBX01\SG1\..`, Args: map[string]string{"storage_group": `MBX01\SG1`, "name": "..", "edb_file_path": `E:\Exchange\SG1\x.edb`}},
		{Verb: providers.VerbCreateDatabase, Identity: `MBX01\SG1\.`, Args: map[string]string{"storage_group": `MBX01\SG1`, "name": ".", "edb_file_path": `E:\Exchange\SG1\y.edb`}},
		{Verb: providers.VerbRestoreBackup, Identity: `MBX01\SG1\..`, Args: map[string]string{"sets": "x"}},
		{Verb: providers.VerbHardRecovery, Identity: `MBX01\..\DB1`},
		{Verb: providers.VerbCreateServer, Identity: `..`, Args: map[string]string{"server": "..", "roles": "mailbox"}},
		{Verb: providers.VerbCreateServer, Identity: `a/b`, Args: map[string]string{"server": "a/b", "roles": "mailbox"}},
	} {
		err := l.Apply(context.Background(), step, nil)
		if err == nil || !strings.Contains(err.Error(), "cannot be a folder or file name") {
			t.Errorf("%s %s: %v, want a refusal of the name", step.Verb, step.Identity, err)
		}
	}
	if after := listFiles(t, dir); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("files changed:\n before %v\n after  %v", before, after)
	}
}

func mustPath(t *testing.T, l *Lab) string {
	t.Helper()
	p, err := l.DatabaseFile(db1)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// Links planted inside the lab (a database file, a disk folder, a
// server's store.json) are refused by name; what they point to is left as
// it was.
func TestPlantedLinksAreRefused(t *testing.T) {
	cases := map[string]func(l *Lab, victim string) string{
		"database file": func(l *Lab, victim string) string {
			p := mustPath(t, l)
			os.Rename(p, victim)
			return p
		},
		"log folder": func(l *Lab, victim string) string {
			c, _ := l.Database(db1)
			os.Rename(c.Stream.Dir, victim)
			return c.Stream.Dir
		},
		"store.json": func(l *Lab, victim string) string {
			p := l.StorePath("MBX01")
			os.Rename(p, victim)
			return p
		},
	}
	for name, plant := range cases {
		t.Run(name, func(t *testing.T) {
			l := newLab(t)
			apply(t, l, providers.VerbMount, db1)
			traffic(t, l, 3)
			if err := l.Crash("MBX01"); err != nil {
				t.Fatal(err)
			}
			victim := filepath.Join(t.TempDir(), "victim")
			at := plant(l, victim)
			if err := os.Symlink(victim, at); err != nil {
				t.Skip("no symlinks here:", err)
			}
			before := listFiles(t, filepath.Dir(victim))
			stamp := treeStamp(t, victim)
			l = New(l.Root(), "") // a new command
			_, rerr := l.Read(context.Background())
			for _, step := range []*providers.Step{
				{Verb: providers.VerbReplayLogs, Identity: db1},
				{Verb: providers.VerbMount, Identity: db1},
			} {
				err := l.Apply(context.Background(), step, nil)
				var le *disk.LinkError
				if !errors.As(err, &le) && !errors.As(rerr, &le) {
					t.Errorf("%s through a link: %v (read: %v), want a disk.LinkError", step.Verb, err, rerr)
				}
			}
			if after := listFiles(t, filepath.Dir(victim)); strings.Join(after, " ") != strings.Join(before, " ") || treeStamp(t, victim) != stamp {
				t.Errorf("the link's target changed")
			}
		})
	}
}

// treeStamp is the names, sizes and modification times under path.
func treeStamp(t *testing.T, path string) string {
	var b strings.Builder
	filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			if info, err := d.Info(); err == nil {
				fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
			}
		}
		return nil
	})
	return b.String()
}

// A link planted as the exdr-aside folder (or the restore folder) is
// refused: what exdr sets aside is never written through it.
func TestPlantedAsideFolderIsRefused(t *testing.T) {
	for _, folder := range []string{"exdr-aside", "exdr-restore"} {
		t.Run(folder, func(t *testing.T) {
			l, full, incr := chainLab(t)
			path, _ := l.DatabaseFile(db1)
			outside := t.TempDir()
			if err := os.Symlink(outside, filepath.Join(filepath.Dir(path), folder)); err != nil {
				t.Skip(err)
			}
			os.WriteFile(path, []byte("damaged"), 0o644) // something to set aside
			ctx := context.Background()
			l.Apply(ctx, &providers.Step{Verb: providers.VerbAllowFileRestore, Identity: db1, Args: map[string]string{"value": "true"}}, nil)
			err := l.Apply(ctx, &providers.Step{Verb: providers.VerbRestoreBackup, Identity: db1, Args: map[string]string{"sets": full.ID + "," + incr.ID}}, nil)
			var le *disk.LinkError
			if !errors.As(err, &le) {
				t.Errorf("restore through a planted %s: %v, want a disk.LinkError", folder, err)
			}
			if entries, _ := os.ReadDir(outside); len(entries) > 0 {
				t.Errorf("written outside the lab: %v", entries)
			}
		})
	}
}

// A read of the lab names a link planted anywhere on the way to a file it
// reads, whatever the depth: the file itself, its folder, a folder above
// it, the drive. (The read answers these from one walk of the disks, not
// from a check per file, so each depth is tried.)
func TestReadRefusesALinkAtAnyDepth(t *testing.T) {
	for _, up := range []int{0, 1, 2, 3} {
		t.Run(fmt.Sprintf("%d folders up", up), func(t *testing.T) {
			l := newLab(t)
			apply(t, l, providers.VerbMount, db1)
			at := mustPath(t, l)
			for range up {
				at = filepath.Dir(at)
			}
			if filepath.Base(filepath.Dir(at)) != "disks" && up == 3 {
				t.Fatalf("%s is not a drive folder", at)
			}
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.Rename(at, victim); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, at); err != nil {
				t.Skip("no symlinks here:", err)
			}
			_, err := New(l.Root(), "").Read(context.Background())
			var le *disk.LinkError
			if !errors.As(err, &le) || le.Path != at {
				t.Fatalf("read with a link at %s: %v, want a disk.LinkError naming it", at, err)
			}
		})
	}
}

// Something other than a file at a database's or a log's path (a FIFO, a
// folder) is read as damage at once, never waited on. (Found by a review:
// the read opened a FIFO and waited for a writer forever.)
func TestReadDoesNotWaitOnAFIFO(t *testing.T) {
	for _, what := range []string{"database", "log"} {
		t.Run(what, func(t *testing.T) {
			l := newLab(t)
			p := mustPath(t, l)
			if what == "log" {
				c, _ := l.Database(db1)
				p = c.Stream.LogPath(1)
			}
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := New(l.Root(), "").Read(context.Background())
				done <- err
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close() // lets the stuck read go
				}
				t.Fatalf("the read waits on a FIFO at %s", p)
			}
		})
	}
}
