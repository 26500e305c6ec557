package run

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/exdr/exdr/backend"
)

// Lock says how a run takes the organization's lock.
type Lock struct {
	Backend   backend.Backend
	Operation string        // "apply", "plan", "drill lose_mbx01 (in place)"
	Wait      time.Duration // -lock-timeout
	// Skip runs without the lock (-lock=false): the person has said so.
	// A holder is then only warned of.
	Skip bool
	// Hint ends the error of a lock held by someone else (plan: how to
	// plan without it).
	Hint string
	// ConfigDigest and GitCommit say which configuration the run is of,
	// for the history (backend.LockInfo).
	ConfigDigest, GitCommit string
	// HeldID is the ID of the lock the caller holds (Held), which the
	// run's journal entries then carry.
	HeldID string
	// Held says the caller holds the lock already, for a longer piece of
	// work than this run (a drill in place: its damage and its recovery).
	Held bool
}

// Locked runs fn under the lock, with a context that is cancelled if the
// lock is lost, and releases the lock however fn ends. warn hears of a
// lock held by someone else when Skip is set. fn gets the lock's ID,
// which also names the run in the journal.
func Locked(ctx context.Context, lk Lock, warn func(string), fn func(ctx context.Context, id string) error) (err error) {
	id := newID()
	if lk.Held {
		if lk.HeldID != "" {
			id = lk.HeldID // one run in the history, not two
		}
		return fn(ctx, id)
	}
	if lk.Skip || lk.Backend == nil {
		if lk.Backend != nil {
			if _, herr := lk.Backend.Holder(); herr != nil {
				warn(holderWarning(herr))
			}
		}
		// A run without the lock is in the history all the same: it is
		// the one a team most needs to see.
		if r, ok := lk.Backend.(backend.RunRecorder); ok && lk.Operation != "plan" {
			info := ThisProcess(id, lk.Operation+" (-lock=false)")
			info.ConfigDigest, info.GitCommit = lk.ConfigDigest, lk.GitCommit
			if rerr := r.RecordRun(info); rerr != nil {
				warn(fmt.Sprintf("this run is not in the history of %s: %v", lk.Backend, rerr))
			} else {
				defer r.EndRun(id)
			}
		}
		return fn(ctx, id)
	}
	info := ThisProcess(id, lk.Operation)
	info.ConfigDigest, info.GitCommit = lk.ConfigDigest, lk.GitCommit
	lockCtx, unlock, err := lk.Backend.Lock(ctx, info, lk.Wait)
	if err != nil {
		hint := lk.Hint
		if lk.Wait > 0 {
			hint = strings.TrimSpace(fmt.Sprintf("It was still held after waiting %s. %s", lk.Wait, hint))
		}
		return lockError(err, hint)
	}
	defer func() {
		if uerr := unlock(); uerr != nil && err == nil {
			err = fmt.Errorf("release the lock: %w", uerr)
		}
	}()
	err = fn(lockCtx, id)
	if cause := context.Cause(lockCtx); err != nil && cause != nil && ctx.Err() == nil && !strings.Contains(err.Error(), cause.Error()) {
		// The lock was lost, not the run interrupted: say so, once.
		err = fmt.Errorf("%w (%v)", err, cause)
	}
	return err
}

// ThisProcess is the lock information of this process for an operation.
func ThisProcess(id, operation string) backend.LockInfo {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return backend.LockInfo{
		ID: id, Holder: fmt.Sprintf("%s@%s (pid %d)", name, host, os.Getpid()),
		Host: host, PID: os.Getpid(), PIDStart: backend.ProcessStart(os.Getpid()), Operation: operation, Created: time.Now().UTC(),
	}
}

// LockError is the error of a lock that could not be taken, with what to
// do about it.
type LockError struct {
	*backend.LockedError
	Hint string
}

func (e *LockError) Error() string {
	msg := e.LockedError.Error() + ".\n" + e.Advice()
	if e.Hint != "" {
		msg += "\n" + e.Hint
	}
	return msg
}

func lockError(err error, hint string) error {
	var locked *backend.LockedError
	if errors.As(err, &locked) {
		return &LockError{LockedError: locked, Hint: hint}
	}
	return err
}

func holderWarning(err error) string {
	var locked *backend.LockedError
	if !errors.As(err, &locked) {
		return err.Error()
	}
	if locked.Unreadable != nil {
		return fmt.Sprintf("the lock file %s cannot be read (%v); going on without the lock, as -lock=false asks.", locked.Path, locked.Unreadable)
	}
	gone := ""
	if locked.HolderGone {
		gone = " (that process no longer runs)"
	}
	return fmt.Sprintf("%s holds the lock for %s since %s%s; going on without the lock, as -lock=false asks: the organization may change meanwhile.",
		backend.Printable(locked.Info.Holder), backend.Printable(locked.Info.Operation), locked.Info.Created.Format(time.RFC3339), gone)
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
