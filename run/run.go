package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/executor"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
)

// Request is one apply: of a configuration, of a saved plan, or of a
// drill's recovery.
type Request struct {
	Provider    providers.Provider
	Lock        Lock
	Parallelism int // 0: the executor's default
	// Interrupt delivers Ctrl-C and SIGTERM; nil when nobody can send
	// them (a drill cancels through its context instead).
	Interrupt <-chan os.Signal
	// Targets are the -target addresses the plan was made for: the check
	// after the run is scoped to them.
	Targets []string
	// Plan makes the plan from the organization read under the lock. A
	// refusal is an error (already shown to the person, if need be).
	Plan func(ctx context.Context, live *org.Org) (*planner.Plan, error)
	// Replan plans again from the organization read after the run, with
	// the given targets (nil: everything), to check what the run did.
	Replan func(live *org.Org, targets []string) (*planner.Plan, error)
	UI     UI
}

// UI is how a run talks to the person (or the drill) behind it. Its
// methods are called from the run's goroutine, except the executor's
// Observer and Progress methods, which are called from the steps'
// goroutines and must be safe for concurrent use.
type UI interface {
	executor.Observer
	// Progress gives a running step somewhere to report its progress; it
	// may return nil.
	Progress(step *providers.Step) providers.Progress
	// Warn tells of something the run noticed and goes on past.
	Warn(msg string)
	// Previous tells what the journal shows of the run before this one.
	Previous(prev Previous)
	// Planned shows the plan about to be carried out.
	Planned(p *planner.Plan) error
	// Consent asks whether to carry the plan out; nil means yes. It must
	// return when ctx is done.
	Consent(ctx context.Context, p *planner.Plan) error
	// Stopping tells that an interrupt arrived while steps ran: the first
	// stops new steps from starting (cancel false), the second cancels
	// the running ones (cancel true).
	Stopping(cancel bool)
}

// ErrInterrupted is the error of a run interrupted before any step ran:
// nothing was changed.
var ErrInterrupted = errors.New("interrupted before any step ran: nothing was changed")

// ErrCheckInterrupted is the check's error when an interrupt came after
// the last step, while the organization was read again.
var ErrCheckInterrupted = errors.New("interrupted while the organization was read again; run exdr plan to see whether it matches")

// Outcome is what became of a run that got as far as a plan.
type Outcome struct {
	Plan *planner.Plan
	// Result is what became of each step; nil when none ran (no changes,
	// or no consent).
	Result *executor.Result
	// Interrupted is set when an interrupt (or a cancelled context)
	// stopped the run while steps ran.
	Interrupted bool
	// LockLost is why the lock was lost while steps ran, if it was.
	LockLost error
	Elapsed  time.Duration
	// Check is the organization read again after every step ran; nil
	// when the run was interrupted or no step ran.
	Check *Check
}

// Complete reports whether every step of the plan ran and succeeded.
func (o *Outcome) Complete() bool {
	if o.Result == nil {
		return !o.Plan.Changes()
	}
	return !o.Interrupted && o.Result.Err == nil && o.Result.Count()[executor.Done] == len(o.Plan.Steps)
}

// Check is what a plan made after the run still finds to do.
type Check struct {
	Targets []string
	// Remaining are the steps still needed within the targets (or in
	// all, without targets).
	Remaining []*providers.Step
	// LeftOut are addresses outside the targets that still need steps,
	// with how many each.
	LeftOut map[string]int
	// Err is set when the organization could not be read or planned.
	Err error
	// NotChecked says why the check was not made, when it could not be
	// by design (Replan answered NotChecked): every step ran, and
	// nothing is said of whether the organization matches.
	NotChecked string
	// Rest is set when what lies outside the targets could not be
	// planned (a refusal): nothing is then said of it but that.
	Rest error
	// Unreadable are the resources in scope the provider could not read
	// again: whether they match is not known.
	Unreadable []planner.Unreadable
	// Waiting are the resources in scope that differ from the
	// configuration and wait for it to say more (a database served from
	// its standby until failback is declared).
	Waiting []planner.Waiting
}

// Matches reports whether the check found nothing more to do in scope,
// having read everything in it.
func (c *Check) Matches() bool {
	return c.Err == nil && c.NotChecked == "" && len(c.Remaining) == 0 && len(c.Unreadable) == 0 && len(c.Waiting) == 0
}

// OnlyWaiting reports whether all that keeps the organization from
// matching is what waits for the configuration: the run did what it was
// asked to.
func (c *Check) OnlyWaiting() bool {
	return c.Err == nil && c.NotChecked == "" && len(c.Remaining) == 0 && len(c.Unreadable) == 0 && len(c.Waiting) > 0
}

// Apply carries out one run. An error means no step ran (the lock was
// held, the plan refused, consent not given, or an interrupt came first);
// otherwise the Outcome says what ran and what the organization is now.
func Apply(ctx context.Context, req Request) (*Outcome, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	intr := &interrupts{cancel: cancel, ui: req.UI, stop: make(chan struct{}), done: make(chan struct{})}
	intr.watch(req.Interrupt)
	defer intr.close()

	var out *Outcome
	outer := ctx
	err := Locked(ctx, req.Lock, req.UI.Warn, func(ctx context.Context, id string) error {
		var journal providers.Journal
		if req.Lock.Backend != nil {
			journal = req.Lock.Backend.Journal()
			prev, err := ReadPrevious(journal)
			if err != nil {
				req.UI.Warn(fmt.Sprintf("the journal %s cannot be read: %v", req.Lock.Backend, err))
			}
			req.UI.Previous(prev)
		}
		live, err := req.Provider.Read(ctx)
		if err != nil {
			return fmt.Errorf("read the live organization: %w", err)
		}
		p, err := req.Plan(ctx, live)
		if err != nil {
			return err
		}
		out = &Outcome{Plan: p}
		if err := req.UI.Planned(p); err != nil {
			return err
		}
		if !p.Changes() {
			return nil
		}
		if err := req.UI.Consent(ctx, p); err != nil {
			return err
		}
		if !intr.executing() {
			return ErrInterrupted
		}
		// A lost lock can no longer be trusted: no new step starts, as
		// after a first Ctrl-C, but the running ones finish (restic's
		// rule): cutting a restore or a replay short helps nobody. So the
		// steps run under the run's context (a second Ctrl-C cancels
		// it), not the lock's.
		stopNew, finished := make(chan struct{}), make(chan struct{})
		go func() {
			select {
			case <-intr.stop:
			case <-ctx.Done():
			case <-finished:
				return
			}
			close(stopNew)
		}()
		start := time.Now()
		out.Result = executor.Run(outer, p, func(ctx context.Context, step *providers.Step) error {
			return req.Provider.Apply(ctx, step, req.UI.Progress(step))
		}, executor.Options{Parallelism: req.Parallelism, Journal: journal, ApplyID: id, Stop: stopNew, Observer: req.UI,
			MayStart: func() error { return backend.Verify(ctx) }})
		close(finished)
		out.Elapsed = time.Since(start)
		if !intr.checking() || ctx.Err() != nil {
			out.Interrupted = true
			if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, ErrInterrupted) && !errors.Is(cause, context.Canceled) {
				out.LockLost = cause
			}
			return nil
		}
		out.Check = check(ctx, req)
		if out.Check.Err != nil && errors.Is(context.Cause(ctx), ErrInterrupted) {
			out.Check.Err = ErrCheckInterrupted
		}
		return nil
	})
	if err != nil && intr.count() > 0 && (out == nil || out.Result == nil) {
		return out, ErrInterrupted // whatever the interrupt broke off
	}
	return out, err
}

// NotChecked is Replan's answer when the organization cannot be checked
// against the configuration by design (a saved plan made with a
// sensitive value it does not keep): Why says so, and how to check.
type NotChecked struct{ Why string }

func (e NotChecked) Error() string { return "not checked: " + e.Why }

// check reads the organization again and plans, scoped to the targets.
func check(ctx context.Context, req Request) *Check {
	c := &Check{Targets: req.Targets}
	live, err := req.Provider.Read(ctx)
	if err != nil {
		c.Err = fmt.Errorf("read the organization after the run: %w", err)
		return c
	}
	p, err := req.Replan(live, req.Targets)
	var nc NotChecked
	if errors.As(err, &nc) {
		c.NotChecked = nc.Why
		return c
	}
	if err != nil {
		c.Err = err
		return c
	}
	c.Remaining, c.Unreadable, c.Waiting = p.Steps, p.Unreadable, p.Waiting
	if len(req.Targets) == 0 {
		return c
	}
	all, err := req.Replan(live, nil)
	if err != nil {
		c.Rest = err
		return c
	}
	in := map[string]bool{}
	for _, s := range p.Steps {
		in[s.ID] = true
	}
	for _, s := range all.Steps {
		if !in[s.ID] {
			if c.LeftOut == nil {
				c.LeftOut = map[string]int{}
			}
			c.LeftOut[s.Address]++
		}
	}
	return c
}

// LeftOutAddresses lists the addresses outside the targets that still
// need steps, sorted.
func (c *Check) LeftOutAddresses() []string {
	var out []string
	for a := range c.LeftOut {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// interrupts turns Ctrl-C and SIGTERM into the run's stop and cancel.
type interrupts struct {
	mu        sync.Mutex
	n         int
	running   bool // steps may be running: the first interrupt only stops
	reading   bool // the steps are over and the organization is read again
	cancel    context.CancelCauseFunc
	ui        UI
	stop      chan struct{}
	done      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
}

func (in *interrupts) watch(sig <-chan os.Signal) {
	if sig == nil {
		return
	}
	in.wg.Go(func() {
		for {
			select {
			case <-in.done:
				return
			case <-sig:
				in.mu.Lock()
				in.n++
				n, running := in.n, in.running
				in.mu.Unlock()
				switch {
				case in.isReading():
					in.ui.Warn("interrupted while the organization is read again: the check stops")
					in.cancel(ErrInterrupted)
					return
				case !running:
					in.cancel(ErrInterrupted)
				case n == 1:
					close(in.stop)
					in.ui.Stopping(false)
				default:
					in.ui.Stopping(true)
					in.cancel(ErrInterrupted)
					return
				}
			}
		}
	})
}

// checking marks the end of the steps: an interrupt from now on cancels
// the check. It reports false if an interrupt came while steps ran.
func (in *interrupts) checking() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.running, in.reading = false, true
	return in.n == 0
}

// executing marks the start of the steps, and reports false if an
// interrupt came first.
func (in *interrupts) executing() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.running = in.n == 0
	return in.running
}

func (in *interrupts) isReading() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.reading
}

func (in *interrupts) count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.n
}

func (in *interrupts) close() {
	in.closeOnce.Do(func() { close(in.done) })
	in.wg.Wait()
}
