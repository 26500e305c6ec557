package command

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers/lab"
	"github.com/exdr/exdr/run"
)

// earlyPlan is a plan whose read of the lab starts before the
// configuration is loaded: the two take about as long as each other on
// a large organization, and the read needs nothing of the configuration
// but where the lab is. It is started only for the lab the folder keeps
// at its default place (.exdr/lab), so it never reads a path other than
// the one the configuration's folder holds, and it reads under the same
// lock a plan always takes. If the loaded configuration names another
// provider or another lab, the early read is thrown away unused and the
// plan reads as it would have.
type earlyPlan struct {
	path      string
	workspace chan *workspace // the loaded configuration, or nil to abandon
	done      chan struct{}
	cancel    context.CancelFunc
	warnings  []string // the lock's, said only if the early read serves
	plan      *planner.Plan
	err       error
}

var errAbandoned = errors.New("the early read was not wanted")

// startEarlyPlan starts the read of the lab at dir/.exdr/lab, under the
// lock, and returns nil if dir keeps no lab there.
func startEarlyPlan(ctx context.Context, opts planOptions, popts planner.Options, s *streams) *earlyPlan {
	abs, err := filepath.Abs(opts.dir)
	if err != nil {
		return nil
	}
	path := filepath.Join(abs, lang.DefaultLabPath)
	if !lab.Exists(path) {
		return nil
	}
	e := &earlyPlan{path: path, workspace: make(chan *workspace, 1), done: make(chan struct{})}
	ctx, e.cancel = context.WithCancel(ctx)
	lk := planLock(opts, backend.NewDir(path))
	go func() {
		defer close(e.done)
		e.err = run.Locked(ctx, lk, func(msg string) { e.warnings = append(e.warnings, msg) }, func(ctx context.Context, _ string) error {
			live, err := lab.New(path, "").Read(ctx)
			ws := <-e.workspace
			if ws == nil {
				return errAbandoned
			}
			if err == nil && live.Name == "" {
				// The lab went away between the look and the read: read
				// as the configuration's provider, which knows the
				// organization's name.
				live, err = ws.provider.Read(ctx)
			}
			if err != nil {
				return fmt.Errorf("read the live organization: %w", err)
			}
			e.plan, err = ws.planLive(ctx, live, popts, s)
			return err
		})
	}()
	return e
}

// serves says whether the loaded configuration's provider is the lab the
// early read is reading, with the same lock.
func (e *earlyPlan) serves(ws *workspace) bool {
	if e == nil || ws == nil || ws.cfg.Org.Provider.Type != "lab" || ws.provPath != e.path {
		return false
	}
	d, ok := ws.backend.(*backend.Dir)
	return ok && d.String() == e.path
}

// finish hands the early read the loaded configuration and waits for its
// plan.
func (e *earlyPlan) finish(ws *workspace, s *streams) (*planner.Plan, error) {
	defer e.cancel()
	e.workspace <- ws
	<-e.done
	for _, w := range e.warnings {
		printWarning(s, w)
	}
	return e.plan, e.err
}

// abandon throws the early read away (a wait for the lock or a read
// under way is cut short) and waits until it has let go of the lock, so
// the plan that reads instead can take it.
func (e *earlyPlan) abandon() {
	if e == nil {
		return
	}
	e.cancel()
	e.workspace <- nil
	<-e.done
}

// planLock is the lock a plan takes on b.
func planLock(opts planOptions, b backend.Backend) run.Lock {
	lk := opts.lock.lock(b, "plan")
	lk.Hint = "To plan without waiting for it, give -lock=false: the plan is then made from an organization that may be changing."
	return lk
}

func printWarning(s *streams, msg string) {
	fmt.Fprintf(s.stderr, "%s %s\n", s.warnColor("Warning:"), msg)
}
