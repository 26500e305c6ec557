package providers

import (
	"context"
	"errors"

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
// ("bytes", "pages", "generations"). Implementations must be safe for concurrent
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

// ErrManual is returned by Apply for a step no command can carry out
// (rebuilding Windows, restoring from the site's backup software): the
// executor pauses and shows the step's instructions.
var ErrManual = errors.New("manual step")
