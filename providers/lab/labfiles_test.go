package lab

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/host"
)

// directory.json gone while the servers' disks hold databases: the lab
// says so, instead of reading an empty organization that a plan would
// build again over the data ("nothing is lost").
func TestDirectoryGoneWhileDisksHoldData(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 5)
	if err := os.Remove(filepath.Join(l.Root(), host.DirectoryFile)); err != nil {
		t.Fatal(err)
	}
	l = New(l.Root(), "Test")
	if _, err := l.Read(context.Background()); err == nil || !strings.Contains(err.Error(), "directory.json") || !strings.Contains(err.Error(), "MBX01") {
		t.Errorf("read: %v, want an error naming directory.json and the servers whose disks remain", err)
	}
	err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbCreateServer, Identity: "MBX01", Args: map[string]string{"server": "MBX01", "roles": "mailbox"}}, nil)
	if err == nil {
		t.Error("a step was applied to a lab whose directory is gone")
	}
	if _, err := os.Stat(filepath.Join(l.Root(), host.DirectoryFile)); err == nil {
		t.Error("an empty directory was written over the lab")
	}
}

// A lab file that cannot be read is an error naming it, never read as
// "nothing there" (a garbled transport.json read as a missing mail.que
// let a plan say nothing was lost while mail was queued).
func TestUnreadableLabFilesAreErrors(t *testing.T) {
	for _, file := range []string{"transport.json", "store.json"} {
		t.Run(file, func(t *testing.T) {
			l := newHubLab(t)
			path := filepath.Join(l.ServerDir("HUB01"), file)
			if file == "store.json" {
				path = l.StorePath("MBX01")
				apply(t, l, providers.VerbMount, db1)
			}
			if err := os.WriteFile(path, []byte("{garbled"), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := New(l.Root(), "").Read(context.Background()); err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("read: %v, want an error naming %s", err, path)
			}
		})
	}
}

// A lab written in another format is refused, with what to do.
func TestLabOfAnotherFormatIsRefused(t *testing.T) {
	l := newLab(t)
	path := filepath.Join(l.Root(), host.DirectoryFile)
	b, _ := os.ReadFile(path)
	os.WriteFile(path, regexp.MustCompile(`"format_version": \d+`).ReplaceAll(b, []byte(`"format_version": 7`)), 0o644)
	if _, err := New(l.Root(), "").Read(context.Background()); err == nil || !strings.Contains(err.Error(), "rebuild the lab") {
		t.Errorf("read: %v, want a refusal saying to rebuild the lab", err)
	}
}

// A folder that holds something else is not taken over as a new lab.
func TestFolderThatIsNotALabIsRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "thesis.docx"), []byte("years of work"), 0o644)
	l := New(dir, "Test")
	err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbCreateServer, Identity: "MBX01", Args: map[string]string{"server": "MBX01", "roles": "mailbox"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "not a lab") {
		t.Errorf("apply in a folder that is not a lab: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, host.DirectoryFile)); err == nil {
		t.Error("the folder was taken over")
	}
	// An empty folder, or one holding only exdr's lock and journal, is fine.
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "journal.jsonl"), nil, 0o644)
	if _, err := Init(empty, "Test"); err != nil {
		t.Errorf("a folder with only a journal: %v", err)
	}
	// The first write of the directory, killed before its rename, leaves
	// its temporary file: still a lab being made, not someone's folder
	// (every later command refused the folder; found by an adversarial
	// review killing the first apply).
	killed := t.TempDir()
	os.WriteFile(filepath.Join(killed, "."+host.DirectoryFile+".tmp2142588324"), []byte(`{"format_version"`), 0o644)
	if _, err := Init(killed, "Test"); err != nil {
		t.Errorf("a folder with only a killed first write of the directory: %v", err)
	}
}

// A byte of directory.json or of its log changed (a bad disk, a hand) is
// found by its checksum: the lab does not read a different organization
// from it.
func TestDirectoryChecksum(t *testing.T) {
	for file, from := range map[string]string{host.DirectoryFile: `"Test"`, host.LogFile: `"SG1"`} {
		t.Run(file, func(t *testing.T) {
			l := newLab(t)
			path := filepath.Join(l.Root(), file)
			b, _ := os.ReadFile(path)
			i := strings.Index(string(b), from)
			if i < 0 {
				t.Fatalf("%s holds no %s", file, from)
			}
			b[i+3] = '2' // Test becomes Tes2, SG1 becomes SG2
			os.WriteFile(path, b, 0o644)
			_, err := New(l.Root(), "").Read(context.Background())
			if err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), file) {
				t.Errorf("read: %v, want %s named damaged", err, file)
			}
		})
	}
}

// transport.json gone from a hub Setup finished: an error naming it, not
// a queue database read as missing (whose plan said nothing was lost).
func TestTransportStateGone(t *testing.T) {
	l := newHubLab(t)
	if err := os.Remove(l.ServicePath("HUB01")); err != nil {
		t.Fatal(err)
	}
	if _, err := New(l.Root(), "").Read(context.Background()); err == nil || !strings.Contains(err.Error(), "transport.json") {
		t.Errorf("read: %v, want an error naming transport.json", err)
	}
}

// An Edge server's ADAM store unreadable (gone, zeroed) is an error
// naming it: read as an Edge to subscribe, every apply failed.
func TestEdgeConfigurationStoreUnreadable(t *testing.T) {
	l := newLab(t)
	if err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbCreateServer, Identity: "EDGE01",
		Args: map[string]string{"server": "EDGE01", "roles": "edge_transport"}}, nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(l.ADAMPath("EDGE01"), make([]byte, 100), 0o644)
	if _, err := New(l.Root(), "").Read(context.Background()); err == nil || !strings.Contains(err.Error(), "adam.xml") {
		t.Errorf("read: %v, want an error naming adam.xml", err)
	}
}

// A link in mail.que's place is refused at Read, by name.
func TestQueueDatabaseLinkRefusedAtRead(t *testing.T) {
	l := newHubLab(t)
	q, err := l.QueueOf("HUB01")
	if err != nil {
		t.Fatal(err)
	}
	os.Rename(q.Path, q.Path+".moved")
	if err := os.Symlink(q.Path+".moved", q.Path); err != nil {
		t.Skip(err)
	}
	var le *disk.LinkError
	if _, err := New(l.Root(), "").Read(context.Background()); !errors.As(err, &le) {
		t.Errorf("read: %v, want a disk.LinkError", err)
	}
}
