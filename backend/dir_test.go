package backend

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exdr/exdr/providers"
)

func TestLockIsExclusiveAndNamesItsHolder(t *testing.T) {
	d := NewDir(t.TempDir())
	first := LockInfo{ID: "one", Holder: "alice@host (pid 1)", Operation: "apply", Created: time.Now()}
	_, unlock, err := d.Lock(context.Background(), first, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = d.Lock(context.Background(), LockInfo{ID: "two", Holder: "bob"}, 150*time.Millisecond)
	var locked *LockedError
	if !errors.As(err, &locked) || !errors.Is(err, ErrLocked) || locked.Info.Holder != first.Holder {
		t.Fatalf("second lock: %v; want a LockedError naming alice", err)
	}
	if locked.HolderGone {
		t.Error("a holder on no host of ours is reported gone")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	_, unlock2, err := d.Lock(context.Background(), LockInfo{ID: "two"}, 0)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
	if _, err := os.Stat(d.lockPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock file is left after unlock: %v", err)
	}
}

func TestLockWaitsForHolder(t *testing.T) {
	d := NewDir(t.TempDir())
	_, unlock, _ := d.Lock(context.Background(), LockInfo{ID: "one"}, 0)
	go func() {
		time.Sleep(200 * time.Millisecond)
		unlock()
	}()
	if _, unlock2, err := d.Lock(context.Background(), LockInfo{ID: "two"}, 5*time.Second); err != nil {
		t.Fatalf("waiting lock: %v", err)
	} else {
		unlock2()
	}
}

func TestForceUnlockCancelsTheHoldersWork(t *testing.T) {
	d := NewDir(t.TempDir())
	d.CheckInterval = 20 * time.Millisecond
	ctx, unlock, _ := d.Lock(context.Background(), LockInfo{ID: "one"}, 0)
	defer unlock()
	if _, err := d.ForceUnlock("wrong"); err == nil {
		t.Fatal("force-unlock with the wrong ID succeeded")
	}
	if _, err := d.ForceUnlock("one"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
		if !strings.Contains(context.Cause(ctx).Error(), "lost") {
			t.Errorf("cause = %v", context.Cause(ctx))
		}
	case <-time.After(2 * time.Second):
		t.Fatal("losing the lock did not cancel the work under it")
	}
}

// A lock taken by a process of this host that has ended is reported as
// left behind; one of another host is not (its process cannot be seen).
func TestLockOfAnEndedProcess(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	cases := []struct {
		name     string
		info     LockInfo
		goneWant bool
	}{
		{"ended here", LockInfo{ID: "a", Host: host, PID: cmd.ProcessState.Pid()}, true},
		{"running here", LockInfo{ID: "b", Host: host, PID: os.Getpid()}, false},
		{"another host", LockInfo{ID: "c", Host: host + "-elsewhere", PID: cmd.ProcessState.Pid()}, false},
		{"no pid", LockInfo{ID: "d", Host: host}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := NewDir(t.TempDir())
			_, unlock, err := d.Lock(context.Background(), c.info, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer unlock()
			// Waiting: a holder gone fails it at once (it waited out the
			// whole wait, for nothing); a live one until the context ends.
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, _, err = d.Lock(ctx, LockInfo{ID: "next"}, time.Hour)
			if c.goneWant == errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("second lock, waiting: %v", err)
			}
			_, _, err = d.Lock(context.Background(), LockInfo{ID: "next"}, 0)
			var locked *LockedError
			if !errors.As(err, &locked) {
				t.Fatalf("second lock: %v", err)
			}
			if locked.HolderGone != c.goneWant {
				t.Errorf("HolderGone = %v, want %v", locked.HolderGone, c.goneWant)
			}
			if c.goneWant && !strings.Contains(locked.Advice(), "exdr force-unlock "+c.info.ID) {
				t.Errorf("advice %q does not give the command", locked.Advice())
			}
		})
	}
}

// An unreadable lock (empty, cut short, not JSON, a directory) stops a
// run, and force-unlock with the fingerprint it gives moves it aside.
func TestUnreadableLockIsMovedAside(t *testing.T) {
	cases := map[string]func(path string) error{
		"empty":     func(p string) error { return os.WriteFile(p, nil, 0o644) },
		"cut short": func(p string) error { return os.WriteFile(p, []byte(`{"id": "0a1b`), 0o644) },
		"no id":     func(p string) error { return os.WriteFile(p, []byte(`{"holder": "x"}`), 0o644) },
		"zeroes":    func(p string) error { return os.WriteFile(p, make([]byte, 512), 0o644) },
		"directory": func(p string) error { return os.Mkdir(p, 0o755) },
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			d := NewDir(dir)
			if err := damage(d.lockPath()); err != nil {
				t.Fatal(err)
			}
			_, _, err := d.Lock(context.Background(), LockInfo{ID: "mine"}, 0)
			var locked *LockedError
			if !errors.As(err, &locked) || locked.Unreadable == nil || locked.Path != d.lockPath() {
				t.Fatalf("lock over an unreadable lock: %v", err)
			}
			if _, err := d.ForceUnlock("0000000000000000"); err == nil {
				t.Fatal("force-unlock of an unreadable lock with a wrong ID succeeded")
			}
			said, err := d.ForceUnlock(locked.Info.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(said, "moved aside") {
				t.Errorf("force-unlock said %q", said)
			}
			aside, _ := filepath.Glob(d.lockPath() + ".*.unreadable")
			if len(aside) != 1 {
				t.Errorf("the unreadable lock was not kept aside: %v", aside)
			}
			if _, unlock, err := d.Lock(context.Background(), LockInfo{ID: "mine"}, 0); err != nil {
				t.Fatalf("lock after force-unlock: %v", err)
			} else {
				unlock()
			}
		})
	}
}

// A planted symlink in the lock's place is a lock that is held (or
// unreadable), never followed to create or remove another file.
func TestLockIsNotASymlinkTarget(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.Symlink(victim, filepath.Join(dir, lockFile)); err != nil {
		t.Skip("no symlinks here:", err)
	}
	d := NewDir(dir)
	if _, _, err := d.Lock(context.Background(), LockInfo{ID: "mine"}, 0); err == nil {
		t.Fatal("took the lock through a dangling symlink")
	}
	if _, err := os.Stat(victim); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the symlink's target was created: %v", err)
	}
}

func TestJournalSkipsDamagedLinesAndReadsOn(t *testing.T) {
	dir := t.TempDir()
	j := NewDir(dir).Journal()
	for _, ev := range []providers.JournalEvent{providers.JournalStart, providers.JournalDone} {
		if err := j.Append(providers.JournalEntry{Apply: "a", Step: "s1", Event: ev}); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, journalFile)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-11-25T10:00:00Z","apply":"a","st` + "\n" + "\x00\x00\x00\n")
	f.Close()
	if err := j.Append(providers.JournalEntry{Apply: "b", Step: "s2", Event: providers.JournalStart}); err != nil {
		t.Fatal(err)
	}
	// A last line cut short by a crash: no newline.
	f, _ = os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-11-25T10:00:00Z","apply":"b","step":"s2","ev`)
	f.Close()

	entries, skipped, err := j.Entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || entries[2].Apply != "b" || entries[2].Step != "s2" {
		t.Errorf("entries = %+v, want the three whole lines", entries)
	}
	if len(skipped) != 3 || !strings.Contains(skipped[0], "line 3 of the journal") || !strings.Contains(skipped[2], "line 6") {
		t.Errorf("skipped = %q, want lines 3, 4 and 6 named", skipped)
	}
}

func TestJournalOfANewBackendIsEmpty(t *testing.T) {
	entries, skipped, err := NewDir(filepath.Join(t.TempDir(), "none")).Journal().Entries()
	if err != nil || len(entries) != 0 || len(skipped) != 0 {
		t.Errorf("a journal never written: %v %v %v", entries, skipped, err)
	}
}

// A journal replaced by a link (or a folder) is refused, never written
// through.
func TestJournalIsNotWrittenThroughALink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("keep\n"), 0o644)
	if err := os.Symlink(victim, filepath.Join(dir, journalFile)); err != nil {
		t.Skip("no symlinks here:", err)
	}
	j := NewDir(dir).Journal()
	if err := j.Append(providers.JournalEntry{Apply: "a", Step: "s", Event: providers.JournalStart}); err == nil {
		t.Error("appended through a link")
	}
	if _, _, err := j.Entries(); err == nil {
		t.Error("read through a link")
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep\n" {
		t.Errorf("the link's target changed: %q", b)
	}
}

// The lock file is readable by every user, so that another
// administrator's exdr sees who holds it.
func TestLockIsReadableByOthers(t *testing.T) {
	d := NewDir(t.TempDir())
	_, unlock, err := d.Lock(context.Background(), LockInfo{ID: "mine"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	st, err := os.Stat(d.lockPath())
	if err != nil || st.Mode().Perm()&0o044 != 0o044 {
		t.Errorf("lock mode %v (%v), want readable by group and others", st.Mode(), err)
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"alice@mgmt01 (pid 4242)":            "alice@mgmt01 (pid 4242)",
		"O’Brien":                            "O’Brien",
		"x\x1b[31mred":                       `x\x1b[31mred`,
		"line\nFAKE: exdr force-unlock 1234": `line\x0aFAKE: exdr force-unlock 1234`,
		"csi\u009b":                          `csi\x9b`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// Steps ending at once share the journal's writes: every entry is there
// afterwards, once, whole, each step's start before its end, and a start
// entry is in the file as soon as Append returns.
func TestJournalGroupCommitKeepsEveryEntry(t *testing.T) {
	j := NewDir(t.TempDir()).Journal()
	const steps = 200
	var wg sync.WaitGroup
	for i := range steps {
		wg.Go(func() {
			id := fmt.Sprintf("step%03d", i)
			if err := j.Append(providers.JournalEntry{Apply: "a", Step: id, Event: providers.JournalStart}); err != nil {
				t.Error(err)
				return
			}
			entries, _, err := j.Entries()
			if err != nil {
				t.Error(err)
				return
			}
			if !slices.ContainsFunc(entries, func(e providers.JournalEntry) bool { return e.Step == id && e.Event == providers.JournalStart }) {
				t.Errorf("%s's start is not in the journal when Append returns", id)
			}
			if err := j.Append(providers.JournalEntry{Apply: "a", Step: id, Event: providers.JournalDone}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	entries, skipped, err := j.Entries()
	if err != nil || len(skipped) > 0 {
		t.Fatalf("entries: %v, skipped %v", err, skipped)
	}
	if len(entries) != 2*steps {
		t.Fatalf("%d entries, want %d", len(entries), 2*steps)
	}
	started := map[string]bool{}
	for _, e := range entries {
		switch e.Event {
		case providers.JournalStart:
			if started[e.Step] {
				t.Errorf("%s started twice", e.Step)
			}
			started[e.Step] = true
		case providers.JournalDone:
			if !started[e.Step] {
				t.Errorf("%s ended before it started", e.Step)
			}
		}
	}
}
