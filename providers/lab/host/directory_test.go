package host

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
)

func newHost(t *testing.T) *Host {
	t.Helper()
	VerifyWrites = true
	t.Cleanup(func() { VerifyWrites = false })
	h := NewHost(t.TempDir(), "Test")
	if err := h.Ensure(); err != nil {
		t.Fatal(err)
	}
	return h
}

func addDatabase(t *testing.T, h *Host, i int) {
	t.Helper()
	err := h.UpdateDirectory(func(d *ad.Directory) error {
		if d.Server("MBX01") == nil {
			d.AddServer(&ad.Server{Name: "MBX01", Edition: "enterprise"})
			d.AddStorageGroup(&ad.StorageGroup{Server: "MBX01", Name: "SG1"})
		}
		d.AddDatabase(&ad.Database{StorageGroup: `MBX01\SG1`, Name: fmt.Sprintf("DB%d", i), Kind: "mailbox"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// reread is the directory as a new command reads it.
func reread(t *testing.T, h *Host) *ad.Directory {
	t.Helper()
	var d *ad.Directory
	if err := NewHost(h.root, "").ViewDirectory(func(cur *ad.Directory) error { d = cur; return nil }); err != nil {
		t.Fatal(err)
	}
	return d
}

// An update writes what it changed, not the directory again: adding the
// thousandth database appends about what adding the first did.
func TestAnUpdateWritesOnlyItsChange(t *testing.T) {
	h := newHost(t)
	VerifyWrites = false // a thousand read-backs would make this test slow
	var sizes []int64
	for i := range 1000 {
		before := stamp(h.logPath()).size
		addDatabase(t, h, i)
		if after := stamp(h.logPath()).size; after > before {
			sizes = append(sizes, after-before)
		}
	}
	if len(sizes) < 900 {
		t.Fatalf("only %d of 1000 updates appended", len(sizes))
	}
	if first, last := sizes[1], sizes[len(sizes)-1]; last > 2*first {
		t.Errorf("the last append was %d bytes, the second %d: the record grows with the directory", last, first)
	}
	if got := len(reread(t, h).Databases); got != 1000 {
		t.Errorf("read back %d databases, want 1000", got)
	}
}

// A log cut in the middle of a record is damage, refused with the byte
// to cut at: no kill leaves one (TestRecordsNeverStraddleAPage), so it
// is a file cut by hand or a power loss, and reading past it as if the
// changes after the cut had never been made could not be trusted.
func TestLogCutShortIsRefused(t *testing.T) {
	h := newHost(t)
	addDatabase(t, h, 1)
	good := stamp(h.logPath()).size
	f, _ := os.OpenFile(h.logPath(), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`1 0000 {"databases":[{"name":"HALF`)
	f.Close()
	err := NewHost(h.root, "").ViewDirectory(func(*ad.Directory) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "ends in the middle of a change") || !strings.Contains(err.Error(), fmt.Sprintf("truncate -s %d", good)) {
		t.Fatalf("read: %v, want a refusal naming the byte %d to cut at", err, good)
	}
	os.Truncate(h.logPath(), good) // as the message says
	if got := len(reread(t, h).Databases); got != 1 {
		t.Fatalf("after cutting as told: %d databases, want 1", got)
	}
}

// Every record lies within one page of the file, so that a kill (which
// Linux lets stop a write only between pages) leaves it whole or absent;
// a change larger than a page is a fold.
func TestRecordsNeverStraddleAPage(t *testing.T) {
	h := newHost(t)
	VerifyWrites = false
	for i := range 300 {
		addDatabase(t, h, i)
	}
	b, _ := os.ReadFile(h.logPath())
	off := 0
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if strings.TrimSpace(line) != "" && off/pageSize != (off+len(line)-1)/pageSize {
			t.Fatalf("the record at byte %d (%d bytes) straddles a page", off, len(line))
		}
		off += len(line)
	}
	base := stamp(h.basePath())
	err := h.UpdateDirectory(func(d *ad.Directory) error {
		for i := range 200 {
			d.AddMailbox(&ad.Mailbox{Alias: fmt.Sprintf("user%03d", i), Database: `MBX01\SG1\DB1`})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stamp(h.basePath()) == base || stamp(h.logPath()).size != 0 {
		t.Errorf("a change larger than a page was appended, not folded")
	}
	if got := len(reread(t, h).Mailboxes); got != 200 {
		t.Errorf("read back %d mailboxes, want 200", got)
	}
}

// A whole record that fails its checksum is damage, wherever it is.
func TestDamagedRecordIsRefused(t *testing.T) {
	for _, which := range []string{"first", "last"} {
		t.Run(which, func(t *testing.T) {
			h := newHost(t)
			addDatabase(t, h, 1)
			addDatabase(t, h, 2)
			b, _ := os.ReadFile(h.logPath())
			target := `"DB1"`
			if which == "last" {
				target = `"DB2"`
			}
			i := strings.Index(string(b), target)
			b[i+3] = '9'
			os.WriteFile(h.logPath(), b, 0o644)
			err := NewHost(h.root, "").ViewDirectory(func(*ad.Directory) error { return nil })
			if err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), LogFile) {
				t.Fatalf("read: %v, want the log named damaged", err)
			}
		})
	}
}

// A kill between writing a folded directory.json and emptying the log
// leaves records the new file holds: they are skipped, not applied twice.
func TestFoldInterruptedBeforeTheLogIsEmptied(t *testing.T) {
	h := newHost(t)
	addDatabase(t, h, 1)
	log, _ := os.ReadFile(h.logPath())
	// Remove a database in an update, so that replaying the old records
	// over the fold would bring it back.
	err := h.UpdateDirectory(func(d *ad.Directory) error {
		d.Databases = d.Databases[:0]
		d.Reindex()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var d *ad.Directory
	h.ViewDirectory(func(cur *ad.Directory) error { d = cur; return nil })
	h.Mu.Lock()
	err = h.saveDirectory(d)
	h.Mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(h.logPath(), log, 0o644) // the log as the kill left it
	if got := reread(t, h); len(got.Databases) != 0 {
		t.Fatalf("after an interrupted fold: %d databases, want 0", len(got.Databases))
	}
}

// Lists changed by hand (an object removed, a list appended to, an
// object found by walking a list) reach the disk: each is read back.
func TestChangesByHandAreWritten(t *testing.T) {
	h := newHost(t)
	addDatabase(t, h, 1)
	addDatabase(t, h, 2)
	steps := []func(d *ad.Directory){
		func(d *ad.Directory) { d.AddMailbox(&ad.Mailbox{Alias: "O'Brien", Database: `MBX01\SG1\DB1`}) },
		func(d *ad.Directory) {
			for _, m := range d.Mailboxes {
				m.Database = `MBX01\SG1\DB2`
				d.Touch(m)
			}
		},
		func(d *ad.Directory) {
			d.Merges = append(d.Merges, &ad.Merge{Mailbox: "O'Brien", Items: 3})
		},
		func(d *ad.Directory) {
			d.Merges[0].Items += 2
		},
		func(d *ad.Directory) {
			d.Databases = d.Databases[1:]
			d.Reindex()
			d.AddDatabase(&ad.Database{StorageGroup: `MBX01\SG1`, Name: "DB3"})
		},
		func(d *ad.Directory) { d.StorageGroup(org.Identity(`MBX01\SG1`)).CircularLogging = true },
	}
	for i, step := range steps {
		if err := h.UpdateDirectory(func(d *ad.Directory) error { step(d); return nil }); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	got, _ := json.Marshal(reread(t, h))
	for _, want := range []string{`"database":"MBX01\\SG1\\DB2"`, `"items":5`, `"name":"DB3"`, `"circular_logging":true`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("read back without %s:\n%s", want, got)
		}
	}
	if strings.Contains(string(got), `"name":"DB1"`) {
		t.Errorf("a removed database came back:\n%s", got)
	}
}

// A change a lookup did not return and no list shows is what
// VerifyWrites exists to catch.
func TestVerifyWritesCatchesAnUnloggedChange(t *testing.T) {
	h := newHost(t)
	addDatabase(t, h, 1)
	err := h.UpdateDirectory(func(d *ad.Directory) error {
		d.Databases[0].AllowFileRestore = true // found by walking, not said
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "not logged") {
		t.Fatalf("an unlogged change: %v", err)
	}
}

// Two exdr processes changing one lab (an apply and a lab command, or two
// configurations naming one lab) take turns: every change of both is in
// the directory, and the log is whole. (Found by a review: each process
// wrote at the offset it had last read, over the other's records.)
func TestTwoProcessesTakeTurns(t *testing.T) {
	h := newHost(t)
	VerifyWrites = false
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for k := range 2 {
		p := NewHost(h.root, "") // a process of its own
		wg.Go(func() {
			for i := range 200 {
				err := p.UpdateDirectory(func(d *ad.Directory) error {
					d.AddServer(&ad.Server{Name: fmt.Sprintf("P%d-S%03d", k, i)})
					return nil
				})
				if err != nil {
					errs <- fmt.Errorf("process %d, update %d: %w", k, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := len(reread(t, h).Servers); got != 400 {
		t.Fatalf("400 servers added by two processes, %d read back", got)
	}
}

// directory.json put back from an older copy, its log left: the log
// holds changes the file never had, and the read refuses rather than
// show an organization without them. (Found by a review: the records
// were skipped as a fold's leftovers, and the lab read as rolled back.)
func TestOlderDirectoryWithANewerLogIsRefused(t *testing.T) {
	h := newHost(t)
	VerifyWrites = false
	addDatabase(t, h, 0)
	old, _ := os.ReadFile(h.basePath())
	var d *ad.Directory
	h.ViewDirectory(func(cur *ad.Directory) error { d = cur; return nil })
	h.Mu.Lock()
	if err := h.saveDirectory(d); err != nil { // a fold: a new generation
		t.Fatal(err)
	}
	h.Mu.Unlock()
	for i := 1; i < 5; i++ {
		addDatabase(t, h, i)
	}
	os.WriteFile(h.basePath(), old, 0o644)
	err := NewHost(h.root, "").ViewDirectory(func(*ad.Directory) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "older than its log") {
		t.Fatalf("an older directory.json under a newer log: %v, want a refusal", err)
	}
}

func TestChecksumField(t *testing.T) {
	field := []byte(`"checksum": "abc"`)
	for _, tc := range []struct {
		doc       string
		at, count int
	}{
		{`{"checksum": "abc", "x": 1}`, 1, 1},
		{`{"x": 1}`, -1, 0},
		{`{"checksum": "abd"}`, -1, 0},
		{`{"checksum": "abc", "y": {"checksum": "abc"}}`, 26, 2},
		{`{"y": {"checksum": "zzz"}, "checksum": "abc"}`, 27, 1},
		{`{"checksum": "ab`, -1, 0},
		{`"checksum": "abc"`, 0, 1},
		{``, -1, 0},
	} {
		at, count := checksumField([]byte(tc.doc), field)
		if at != tc.at || count != tc.count {
			t.Errorf("%s: at %d, %d times; want %d, %d", tc.doc, at, count, tc.at, tc.count)
		}
	}
}
