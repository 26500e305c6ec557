package lab

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/exdr/exdr/providers"
)

const (
	lockFile    = "lock.json"
	journalFile = "journal.jsonl"
)

// lockCheckInterval is how often a held lock is checked: if another
// process removed it (force-unlock), the work under it is cancelled.
var lockCheckInterval = time.Second

// Lock takes the organization's lock: a file created exclusively, holding
// who took it, for what and when.
func (l *Lab) Lock(ctx context.Context, info providers.LockInfo, wait time.Duration) (context.Context, func() error, error) {
	if err := l.ensure(); err != nil {
		return nil, nil, err
	}
	path := filepath.Join(l.root, lockFile)
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		err := createExclusive(path, append(b, '\n'))
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, nil, fmt.Errorf("take the lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			held, rerr := readLock(path)
			if rerr != nil {
				return nil, nil, fmt.Errorf("%w (the lock file %s cannot be read: %v)", providers.ErrLocked, path, rerr)
			}
			return nil, nil, &providers.LockedError{Info: held}
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}

	lockCtx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(lockCheckInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-lockCtx.Done():
				return
			case <-t.C:
				if held, err := readLock(path); err != nil || held.ID != info.ID {
					cancel(fmt.Errorf("the lock %s was lost while held: someone ran force-unlock", info.ID))
					return
				}
			}
		}
	})
	var once sync.Once
	unlock := func() error {
		var err error
		once.Do(func() {
			close(done)
			wg.Wait()
			cancel(nil)
			if held, rerr := readLock(path); rerr == nil && held.ID == info.ID {
				err = os.Remove(path)
			}
		})
		return err
	}
	return lockCtx, unlock, nil
}

// ForceUnlock removes the lock if its ID is id.
func (l *Lab) ForceUnlock(id string) error {
	path := filepath.Join(l.root, lockFile)
	held, err := readLock(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("the organization is not locked")
	}
	if err != nil {
		return err
	}
	if held.ID != id {
		return fmt.Errorf("the lock's ID is %s (held by %s for %s), not %s", held.ID, held.Holder, held.Operation, id)
	}
	return os.Remove(path)
}

func readLock(path string) (providers.LockInfo, error) {
	var info providers.LockInfo
	b, err := os.ReadFile(path)
	if err != nil {
		return info, err
	}
	err = json.Unmarshal(b, &info)
	return info, err
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

// Journal is the lab's journal: journal.jsonl in the lab's directory.
func (l *Lab) Journal() providers.Journal {
	return &fileJournal{path: filepath.Join(l.root, journalFile)}
}

type fileJournal struct {
	mu   sync.Mutex
	path string
}

func (j *fileJournal) Append(e providers.JournalEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (j *fileJournal) Entries() ([]providers.JournalEntry, error) {
	f, err := os.Open(j.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []providers.JournalEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		var e providers.JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// A line cut short by a crash ends the journal.
			break
		}
		out = append(out, e)
	}
	return out, sc.Err()
}
