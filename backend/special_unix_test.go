//go:build unix

package backend

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"
)

// A FIFO, a device or a huge file in the lock's place is refused without
// being read (a FIFO blocked every run for good, /dev/zero filled
// memory); each gets an ID of its own.
func TestSpecialFilesInTheLocksPlace(t *testing.T) {
	cases := map[string]func(path string) error{
		"fifo":        func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"link to dev": func(p string) error { return os.Symlink("/dev/zero", p) },
		"huge":        func(p string) error { return os.WriteFile(p, make([]byte, maxLock+1), 0o644) },
	}
	ids := map[string]bool{}
	for name, plant := range cases {
		t.Run(name, func(t *testing.T) {
			d := NewDir(t.TempDir())
			if err := plant(d.lockPath()); err != nil {
				t.Skip(err)
			}
			done := make(chan error, 1)
			go func() {
				_, _, err := d.Lock(context.Background(), LockInfo{ID: "mine"}, 0)
				done <- err
			}()
			select {
			case err := <-done:
				var locked *LockedError
				if !errors.As(err, &locked) || locked.Unreadable == nil {
					t.Fatalf("lock over a %s: %v", name, err)
				}
				if ids[locked.Info.ID] {
					t.Errorf("the ID %s is shared with another unreadable lock", locked.Info.ID)
				}
				ids[locked.Info.ID] = true
				if _, err := d.ForceUnlock(locked.Info.ID); err != nil {
					t.Errorf("force-unlock: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the lock blocked on it")
			}
		})
	}
}
