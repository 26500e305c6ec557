package backend

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/exdr/exdr/providers"
)

// Backend holds an organization's lock and journal.
type Backend interface {
	// Lock takes the lock for info's holder and operation, waiting up to
	// wait for a holder to let go. When the lock stays taken it returns a
	// *LockedError (which wraps ErrLocked). The returned context is
	// cancelled, with the reason as its cause, if the lock is lost while
	// held; work under the lock must use it. unlock releases the lock and
	// may be called more than once; only the first call acts. Lock may be
	// called from any goroutine; one process may hold one lock at a time.
	Lock(ctx context.Context, info LockInfo, wait time.Duration) (lockCtx context.Context, unlock func() error, err error)

	// Holder returns who holds the lock now and a *LockedError saying so,
	// or nil and nil when nobody does. An unreadable lock is a
	// *LockedError with Unreadable set.
	Holder() (*LockInfo, error)

	// ForceUnlock removes the lock with the given ID, whoever holds it,
	// and says what it did. A lock that cannot be read is moved aside, not
	// deleted; its ID is UnreadableID of its bytes.
	ForceUnlock(id string) (string, error)

	// Journal is the organization's journal.
	Journal() providers.Journal

	// String says where the backend keeps its files, for messages.
	String() string
}

// LockInfo says who holds the lock and for what.
type LockInfo struct {
	ID     string `json:"id"`
	Holder string `json:"holder"` // user@host (pid N)
	Host   string `json:"host,omitempty"`
	PID    int    `json:"pid,omitempty"`
	// PIDStart is when that process started (ProcessStart): a process
	// given the same PID later, as PID namespaces and long uptimes do, is
	// not taken for the holder. Empty when not known.
	PIDStart  string    `json:"pid_start,omitempty"`
	Operation string    `json:"operation"`
	Created   time.Time `json:"created"`
	// ConfigDigest is the SHA-256 of the configuration's files, and
	// GitCommit the commit its folder is at ("-dirty" when it has
	// changes), when the run has a configuration and it is in git.
	ConfigDigest string `json:"config_digest,omitempty"`
	GitCommit    string `json:"git_commit,omitempty"`
}

// ErrLocked is wrapped by the error Lock returns when the lock is taken.
var ErrLocked = errors.New("the organization is locked")

// LockedError says why a lock could not be taken and how to free it.
type LockedError struct {
	Info LockInfo
	// HolderGone is set when the holder was a process on this host that
	// no longer runs: it was killed or crashed and left its lock.
	HolderGone bool
	// Path and Unreadable are set when the lock file cannot be read; the
	// lock's ID is then UnreadableID of its bytes.
	Path       string
	Unreadable error
}

func (e *LockedError) Error() string {
	if e.Unreadable != nil {
		return fmt.Sprintf("%s, but the lock file %s cannot be read (%v)", ErrLocked, e.Path, e.Unreadable)
	}
	// A lock file written by hand may leave any of these out: what is
	// missing is said so, not printed as "by  for  since 0001-01-01"
	// (adversarial review).
	holder, op, since := Printable(e.Info.Holder), Printable(e.Info.Operation), e.Info.Created.Format(time.RFC3339)
	if holder == "" {
		holder = "a holder the lock file does not name"
	}
	if op == "" {
		op = "an operation it does not name"
	}
	if e.Info.Created.IsZero() {
		since = "a time it does not say"
	}
	return fmt.Sprintf("%s by %s for %s since %s (lock ID %s)", ErrLocked, holder, op, since, Printable(e.Info.ID))
}

// Printable shows text read from a lock file with its control characters
// escaped: a lock written by hand must not move the cursor, colour the
// terminal or forge a line of advice.
func Printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// Advice says what to do about the lock: wait, or remove it.
func (e *LockedError) Advice() string {
	switch {
	case e.Unreadable != nil:
		return fmt.Sprintf("If no apply is running, move it aside with: exdr force-unlock %s", Printable(e.Info.ID))
	case e.HolderGone:
		return fmt.Sprintf("The process that took it (pid %d) no longer runs on this host: it was killed or crashed. "+
			"If no apply is running elsewhere, remove the lock with: exdr force-unlock %s", e.Info.PID, Printable(e.Info.ID))
	}
	op := "apply"
	if e.Info.Operation != "" {
		op = Printable(e.Info.Operation)
	}
	return fmt.Sprintf("Wait for it to finish (or give -lock-timeout to wait for it); if no %s is running, remove the lock with: exdr force-unlock %s", op, Printable(e.Info.ID))
}

type verifierKey struct{}

// WithVerifier gives a lock's context the check that the lock is still
// held, which Verify runs: a backend sets it on the context Lock returns.
func WithVerifier(ctx context.Context, check func() error) context.Context {
	return context.WithValue(ctx, verifierKey{}, check)
}

// Verify checks, now, that the lock ctx was returned with is still
// held; nil for a context without a check.
func Verify(ctx context.Context) error {
	if check, ok := ctx.Value(verifierKey{}).(func() error); ok {
		return check()
	}
	return nil
}
