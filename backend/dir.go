package backend

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/exdr/exdr/providers"
)

// Dir is the local backend: lock.json and journal.jsonl in a directory,
// created on first use.
type Dir struct {
	path string
	// CheckInterval is how often a held lock is checked: if another
	// process removed it (force-unlock), the work under it is cancelled.
	// Zero means a second.
	CheckInterval time.Duration
}

var _ Backend = (*Dir)(nil)

const (
	lockFile    = "lock.json"
	journalFile = "journal.jsonl"
)

// NewDir returns the backend kept in dir.
func NewDir(dir string) *Dir { return &Dir{path: dir} }

func (d *Dir) String() string { return d.path }

func (d *Dir) lockPath() string { return filepath.Join(d.path, lockFile) }

// Lock takes the lock: lock.json, made whole in a temporary file and
// linked into place, so that nobody ever reads half a lock.
func (d *Dir) Lock(ctx context.Context, info LockInfo, wait time.Duration) (context.Context, func() error, error) {
	created := missingDirs(d.path)
	if err := os.MkdirAll(d.path, 0o755); err != nil {
		return nil, nil, fmt.Errorf("take the lock: %w", err)
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	path := d.lockPath()
	deadline := time.Now().Add(wait)
	for {
		err := createWhole(path, append(b, '\n'))
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, nil, fmt.Errorf("take the lock %s: %w", path, err)
		}
		// A holder that no longer runs will not let go: waiting for it
		// is waiting for nothing (a lab command sat 30 s on one).
		var locked *LockedError
		if _, herr := d.Holder(); errors.As(herr, &locked) && locked.HolderGone {
			return nil, nil, herr
		}
		if time.Now().After(deadline) {
			if _, herr := d.Holder(); herr != nil {
				return nil, nil, herr
			}
			// Let go in the meantime: try again after the pause below.
		}
		select {
		case <-ctx.Done():
			return nil, nil, context.Cause(ctx)
		case <-time.After(100 * time.Millisecond):
		}
	}

	watched, stop := Watch(ctx, d.CheckInterval, func(context.Context) error {
		if held, err := readLock(path); err != nil || held.ID != info.ID {
			return fmt.Errorf("the lock %s was lost while held: someone ran force-unlock", info.ID)
		}
		return nil
	})
	var once sync.Once
	unlock := func() error {
		var err error
		once.Do(func() {
			stop()
			if held, rerr := readLock(path); rerr == nil && held.ID == info.ID {
				err = os.Remove(path)
			}
			// A run that only read (a plan of an organization not built
			// yet) leaves no directory behind; one with files in it stays.
			for _, dir := range created {
				os.Remove(dir)
			}
		})
		return err
	}
	return watched, unlock, nil
}

// missingDirs lists dir and those of its parents that do not exist yet,
// innermost first.
func missingDirs(dir string) []string {
	var out []string
	for {
		if _, err := os.Lstat(dir); err == nil {
			return out
		}
		out = append(out, dir)
		parent := filepath.Dir(dir)
		if parent == dir {
			return out
		}
		dir = parent
	}
}

// Holder returns the lock's holder, nil when unlocked, or a *LockedError
// for a lock that cannot be read.
func (d *Dir) Holder() (*LockInfo, error) {
	path := d.lockPath()
	info, err := readLock(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, &LockedError{Info: LockInfo{ID: unreadableID(path)}, Path: path, Unreadable: err}
	}
	return &info, &LockedError{Info: info, HolderGone: gone(info)}
}

// ForceUnlock removes the lock if its ID is id, or moves an unreadable
// lock aside if id is the fingerprint of its bytes.
func (d *Dir) ForceUnlock(id string) (string, error) {
	path := d.lockPath()
	held, err := readLock(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("the organization is not locked (no %s)", path)
	}
	if err != nil {
		want := unreadableID(path)
		if id != want {
			return "", fmt.Errorf("the lock file %s cannot be read (%v); its ID is %s, not %s", path, err, want, id)
		}
		aside := fmt.Sprintf("%s.%s.unreadable", path, time.Now().UTC().Format("20060102T150405.000000000Z"))
		if err := os.Rename(path, aside); err != nil {
			return "", fmt.Errorf("move the unreadable lock aside: %w", err)
		}
		return fmt.Sprintf("The lock file %s could not be read; it is moved aside to %s.", path, aside), nil
	}
	if held.ID != id {
		return "", fmt.Errorf("the lock's ID is %s (held by %s for %s), not %s", held.ID, held.Holder, held.Operation, id)
	}
	if err := os.Remove(path); err != nil {
		return "", err
	}
	return fmt.Sprintf("The lock %s is removed. An apply that still runs under it stops at its next check.", id), nil
}

func readLock(path string) (LockInfo, error) {
	var info LockInfo
	st, err := os.Lstat(path)
	if err != nil {
		return info, err
	}
	if !st.Mode().IsRegular() {
		return info, fmt.Errorf("it is %s, not a file", kindOf(st.Mode()))
	}
	b, err := readSmall(path)
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, err
	}
	if info.ID == "" {
		return info, errors.New("it names no lock ID")
	}
	return info, nil
}

// notALink refuses a journal that is a symbolic link: appending through
// it would write outside the backend's folder.
func notALink(path string) error {
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("the journal %s is %s, not a file: exdr does not write through it; move it away", path, kindOf(st.Mode()))
	}
	return nil
}

func kindOf(m os.FileMode) string {
	switch {
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	}
	return "a special file"
}

// maxLock is more than any lock exdr writes; a larger file is not one.
const maxLock = 64 << 10

// readSmall reads a regular file of at most maxLock bytes. It never opens
// anything else: a FIFO or a device planted in the lock's place would
// block the read, or never end it.
func readSmall(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("it is %s, not a file", kindOf(st.Mode()))
	}
	if st.Size() > maxLock {
		return nil, fmt.Errorf("it holds %d bytes, far more than a lock", st.Size())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxLock))
}

// unreadableID is the ID of a lock that cannot be read: a fingerprint of
// its bytes, so that force-unlock moves only the file the person saw; of
// what it is (a link's target, its size and time) when its bytes cannot
// be read, so that two such locks do not share an ID.
func unreadableID(path string) string {
	h := sha256.New()
	if b, err := readSmall(path); err == nil {
		h.Write(b)
	} else if st, err := os.Lstat(path); err == nil {
		target, _ := os.Readlink(path)
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d", st.Mode().Type(), target, st.Size(), st.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// gone reports whether the lock's holder was a process on this host that
// no longer runs. A holder on another host, or one that cannot be told,
// is taken to be alive.
func gone(info LockInfo) bool {
	host, err := os.Hostname()
	if err != nil || info.PID <= 0 || info.Host == "" || info.Host != host {
		return false
	}
	if !processRuns(info.PID) {
		return true
	}
	// The PID runs: the holder's, unless it started at another time.
	if info.PIDStart != "" {
		if now := ProcessStart(info.PID); now != "" && now != info.PIDStart {
			return true
		}
	}
	return false
}

// createWhole creates path with data, failing with os.ErrExist if it
// exists. The data is written to a temporary file first and linked into
// place, so that a reader never sees an empty or half-written lock.
func createWhole(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	// Readable by all: another administrator's exdr must be able to read
	// who holds the lock (CreateTemp makes files only the owner reads).
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	err = os.Link(tmp.Name(), path)
	var le *os.LinkError
	if err != nil && errors.As(err, &le) && !errors.Is(err, os.ErrExist) {
		// A file system without hard links: create exclusively instead.
		return createExclusive(path, data)
	}
	return err
}

func createExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// Journal is journal.jsonl in the backend's directory.
func (d *Dir) Journal() providers.Journal {
	return &fileJournal{dir: d.path, path: filepath.Join(d.path, journalFile)}
}

type fileJournal struct {
	dir, path string

	// Group commit: steps that end at once share one write and one
	// fsync. The first to arrive writes every record waiting, then the
	// ones that came meanwhile; each Append returns once its own record
	// is on disk.
	mu       sync.Mutex
	pending  [][]byte
	waiters  []chan error
	durable  bool // an entry pending must be synced
	flushing bool
}

func (j *fileJournal) Append(e providers.JournalEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	j.mu.Lock()
	j.pending = append(j.pending, append(b, '\n'))
	j.waiters = append(j.waiters, done)
	j.durable = j.durable || e.Event != providers.JournalStart
	if !j.flushing {
		j.flushing = true
		for len(j.pending) > 0 {
			batch, waiters, durable := j.pending, j.waiters, j.durable
			j.pending, j.waiters, j.durable = nil, nil, false
			j.mu.Unlock()
			err := j.write(batch, durable)
			for _, w := range waiters {
				w <- err
			}
			j.mu.Lock()
		}
		j.flushing = false
	}
	j.mu.Unlock()
	return <-done
}

// write appends records to the journal, and syncs it if one of them is
// to be durable (and with it every start entry written before).
func (j *fileJournal) write(records [][]byte, durable bool) error {
	if err := os.MkdirAll(j.dir, 0o755); err != nil {
		return err
	}
	if err := notALink(j.path); err != nil {
		return err
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(bytes.Join(records, nil)); err != nil {
		f.Close()
		return err
	}
	if durable {
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// Entries reads the journal. A line that cannot be read (cut short by a
// crash, damaged on disk) is skipped and named, and reading goes on.
func (j *fileJournal) Entries() ([]providers.JournalEntry, []string, error) {
	if err := notALink(j.path); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(j.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var out []providers.JournalEntry
	var skipped []string
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			var e providers.JournalEntry
			if jerr := json.Unmarshal(line, &e); jerr != nil || e.Apply == "" || e.Event == "" {
				skipped = append(skipped, fmt.Sprintf("line %d of the journal %s cannot be read (skipped)", n, j.path))
			} else {
				out = append(out, e)
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, skipped, nil
			}
			return out, skipped, err
		}
	}
}
