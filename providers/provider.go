package providers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/exdr/exdr/org"
)

// Provider reads a live Exchange organization and carries out one step at
// a time on it.
type Provider interface {
	// Read returns the live organization with its health facts, found by
	// inspecting the system (files, headers, services), never by trusting
	// a record of what was done. It may be called concurrently with
	// nothing else running on the provider.
	Read(ctx context.Context) (*org.Org, error)

	// Apply carries out one step. It must be idempotent: applying a step
	// whose effect is already in place succeeds without changing
	// anything, so that a fresh plan after a crash converges. Apply is
	// called concurrently for steps on different resources; the planner
	// never runs two steps on one database at once. A cancelled ctx stops
	// a long step at its next safe point with ctx.Err(). progress may be
	// nil.
	Apply(ctx context.Context, step *Step, progress Progress) error
}

// Progress receives a long step's progress; done and total are in unit
// ("bytes", "pages", "logs"). Implementations must be safe for concurrent
// use.
type Progress interface {
	Update(done, total int64, unit string)
}

// EdgeExporter is implemented by providers that can export an Edge
// Transport server's configuration as ExportEdgeConfig.ps1
// -CloneConfigData does: the file an edge block's cloned_config names.
type EdgeExporter interface {
	ExportEdgeConfig(ctx context.Context, server string) ([]byte, error)
}

// Locker is implemented by providers that can hold the organization's
// lock, so that one apply at a time changes it.
type Locker interface {
	// Lock takes the lock for info's holder and operation, waiting up to
	// wait for a holder to let go. It returns ErrLocked (wrapped in a
	// *LockedError naming the holder) when the lock stays taken. The
	// returned context is cancelled if the lock is lost while held; work
	// under the lock must use it. unlock releases the lock; it is safe to
	// call once.
	Lock(ctx context.Context, info LockInfo, wait time.Duration) (lockCtx context.Context, unlock func() error, err error)

	// ForceUnlock removes the lock with the given ID, whoever holds it.
	ForceUnlock(id string) error
}

// LockInfo says who holds the lock and for what.
type LockInfo struct {
	ID        string    `json:"id"`
	Holder    string    `json:"holder"` // user@host (pid N)
	Operation string    `json:"operation"`
	Created   time.Time `json:"created"`
}

// ErrLocked is wrapped by the error Lock returns when another holder has
// the lock.
var ErrLocked = errors.New("the organization is locked")

// LockedError names the holder of a lock that could not be taken.
type LockedError struct{ Info LockInfo }

func (e *LockedError) Error() string {
	return fmt.Sprintf("%s by %s for %s since %s (lock ID %s)", ErrLocked, e.Info.Holder, e.Info.Operation,
		e.Info.Created.Format(time.RFC3339), e.Info.ID)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// ErrManual is returned by Apply for a step no command can carry out
// (rebuilding Windows, restoring from the site's backup software): the
// executor pauses and shows the step's instructions.
var ErrManual = errors.New("manual step")
