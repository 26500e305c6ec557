package lab

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/providers"
)

func TestLockIsExclusiveAndNamesItsHolder(t *testing.T) {
	l, _ := Init(t.TempDir(), "Locks")
	first := providers.LockInfo{ID: "one", Holder: "alice@host (pid 1)", Operation: "apply", Created: time.Now()}
	_, unlock, err := l.Lock(context.Background(), first, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = l.Lock(context.Background(), providers.LockInfo{ID: "two", Holder: "bob"}, 150*time.Millisecond)
	var locked *providers.LockedError
	if !errors.As(err, &locked) || !errors.Is(err, providers.ErrLocked) || locked.Info.Holder != first.Holder {
		t.Fatalf("second lock: %v; want a LockedError naming alice", err)
	}
	if !strings.Contains(err.Error(), "alice@host") || !strings.Contains(err.Error(), "lock ID one") {
		t.Errorf("message %q does not name the holder and the ID", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	_, unlock2, err := l.Lock(context.Background(), providers.LockInfo{ID: "two"}, 0)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}

func TestLockWaitsForHolder(t *testing.T) {
	l, _ := Init(t.TempDir(), "Locks")
	_, unlock, _ := l.Lock(context.Background(), providers.LockInfo{ID: "one"}, 0)
	go func() {
		time.Sleep(150 * time.Millisecond)
		unlock()
	}()
	if _, unlock2, err := l.Lock(context.Background(), providers.LockInfo{ID: "two"}, 5*time.Second); err != nil {
		t.Fatalf("waiting for the lock: %v", err)
	} else {
		unlock2()
	}
}

func TestForceUnlockCancelsTheHoldersWork(t *testing.T) {
	old := lockCheckInterval
	lockCheckInterval = 20 * time.Millisecond
	defer func() { lockCheckInterval = old }()
	l, _ := Init(t.TempDir(), "Locks")
	ctx, unlock, _ := l.Lock(context.Background(), providers.LockInfo{ID: "one"}, 0)
	defer unlock()
	if err := l.ForceUnlock("wrong"); err == nil {
		t.Fatal("force-unlock with the wrong ID succeeded")
	}
	if err := l.ForceUnlock("one"); err != nil {
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
