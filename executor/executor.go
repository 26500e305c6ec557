package executor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-multierror"

	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
)

// ApplyFunc carries out one step. It is called concurrently for steps
// that do not depend on each other.
type ApplyFunc func(ctx context.Context, step *providers.Step) error

// Observer hears about steps as they run. Its methods are called from
// the goroutines running the steps, so they must be safe for concurrent
// use; they should return quickly.
type Observer interface {
	Started(step *providers.Step)
	Finished(step *providers.Step, err error, elapsed time.Duration)
	Skipped(step *providers.Step, reason string)
}

// Options tune a run.
type Options struct {
	// Parallelism is how many steps may run at once; 0 means 10.
	Parallelism int
	// Journal, if set, records every step's start and end.
	Journal providers.Journal
	// ApplyID names this run in the journal (the lock's ID).
	ApplyID string
	// Stop, when closed, stops steps from starting; running ones go on
	// (cancel ctx to stop them too). Nil never closes.
	Stop <-chan struct{}
	// Observer, if set, hears each step start and end.
	Observer Observer
	// MayStart, if set, is asked just before each step starts; an error
	// leaves the step not started, as Stop does (the run's lock is
	// checked there: a lock lost while the process was paused must not
	// let one more step start before the lock's monitor notices).
	MayStart func() error
}

// Status is what became of a step.
//
//	pending    never reached: the run stopped first
//	done       succeeded
//	failed     returned an error
//	skipped    a step it depends on failed or was skipped
//	stopped    the run was stopped (Ctrl-C) before it started, or a step
//	           it depends on was
//	cancelled  it was running when the run was cancelled (a second
//	           Ctrl-C) and ended with the cancellation
type Status string

const (
	Pending   Status = "pending"
	Done      Status = "done"
	Failed    Status = "failed"
	Skipped   Status = "skipped"
	Stopped   Status = "stopped"
	Cancelled Status = "cancelled"
)

// Result says what became of every step.
type Result struct {
	Status map[string]Status // by step ID
	// Err holds every failure, each naming its step (a *multierror.Error),
	// or nil when every step succeeded.
	Err error
}

// Count returns how many steps ended in each status.
func (r *Result) Count() map[Status]int {
	n := map[Status]int{}
	for _, s := range r.Status {
		n[s]++
	}
	return n
}

// ErrJournal wraps a failure to write the journal, which stops the step:
// a step that cannot be journaled must not run.
var ErrJournal = errors.New("journal")

// Run carries out the plan's steps in dependency order.
func Run(ctx context.Context, p *planner.Plan, apply ApplyFunc, opts Options) *Result {
	n := opts.Parallelism
	if n <= 0 {
		n = 10
	}
	w := &walker{
		ctx: ctx, apply: apply, opts: opts,
		sem:    newSemaphore(n),
		done:   make(map[string]chan struct{}, len(p.Steps)),
		status: make(map[string]Status, len(p.Steps)),
	}
	for _, s := range p.Steps {
		w.done[s.ID] = make(chan struct{})
		w.status[s.ID] = Pending
	}
	if err := journalOwed(p, opts); err != nil {
		// A run that cannot remember what it owes starts nothing: cut
		// short, the debt would be forgotten.
		for id := range w.status {
			w.status[id] = Stopped
		}
		return &Result{Status: w.status, Err: fmt.Errorf("%w: %v", ErrJournal, err)}
	}
	var wg sync.WaitGroup
	for _, s := range p.Steps {
		wg.Go(func() { w.run(s) })
	}
	wg.Wait()
	// The failures in the plan's order, whatever order they happened in,
	// said as exdr says a list.
	order := make(map[string]int, len(p.Steps))
	for i, s := range p.Steps {
		order[s.ID] = i
	}
	slices.SortStableFunc(w.errs.Errors, func(a, b error) int {
		return cmp.Compare(order[failedStep(a)], order[failedStep(b)])
	})
	w.errs.ErrorFormat = stepErrors
	return &Result{Status: w.status, Err: w.errs.ErrorOrNil()}
}

// journalOwed journals each owed step of the plan as planned, before
// any step runs: the organization stops showing that one is needed once
// a step before it is done, so only the journal can tell the next plan.
func journalOwed(p *planner.Plan, opts Options) error {
	if opts.Journal == nil {
		return nil
	}
	now := time.Now().UTC()
	for _, s := range p.Steps {
		if s.Owed {
			if err := opts.Journal.Append(providers.JournalEntry{Time: now, Apply: opts.ApplyID, Step: s.ID, Event: providers.JournalPlanned}); err != nil {
				return err
			}
		}
	}
	return nil
}

// stepError is a step's failure, naming the step.
type stepError struct {
	id  string
	err error
}

func (e *stepError) Error() string { return e.id + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

func failedStep(err error) string {
	if se, ok := err.(*stepError); ok {
		return se.id
	}
	return ""
}

// stepErrors says one failure as itself and several as a list.
func stepErrors(errs []error) string {
	if len(errs) == 1 {
		return errs[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d steps failed:", len(errs))
	for _, err := range errs {
		b.WriteString("\n  - " + err.Error())
	}
	return b.String()
}

type walker struct {
	ctx   context.Context
	apply ApplyFunc
	opts  Options
	sem   semaphore
	done  map[string]chan struct{}

	mu     sync.Mutex
	status map[string]Status
	errs   multierror.Error
}

func (w *walker) set(id string, st Status) {
	w.mu.Lock()
	w.status[id] = st
	w.mu.Unlock()
}

func (w *walker) get(id string) Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status[id]
}

func (w *walker) fail(s *providers.Step, err error) {
	w.mu.Lock()
	w.status[s.ID] = Failed
	w.errs.Errors = append(w.errs.Errors, &stepError{id: s.ID, err: err})
	w.mu.Unlock()
}

// run waits for the step's dependencies, then runs it unless one of them
// did not succeed or the run is stopping.
func (w *walker) run(s *providers.Step) {
	defer close(w.done[s.ID])
	for _, d := range s.DependsOn {
		ch, ok := w.done[d]
		if !ok {
			continue // a dependency outside the plan (a -target run) is taken as done
		}
		<-ch
		switch st := w.get(d); st {
		case Done:
		case Stopped, Cancelled:
			w.notStarted(s)
			return
		default:
			w.skip(s, fmt.Sprintf("%s was %s", d, st))
			return
		}
	}
	if !w.sem.Acquire(w.ctx, w.opts.Stop) {
		w.notStarted(s)
		return
	}
	defer w.sem.Release()
	if w.opts.MayStart != nil {
		if err := w.opts.MayStart(); err != nil {
			w.notStarted(s)
			return
		}
	}

	if err := w.journal(s, providers.JournalStart, ""); err != nil {
		w.fail(s, err)
		return
	}
	if w.opts.Observer != nil {
		w.opts.Observer.Started(s)
	}
	start := time.Now()
	stepCtx := providers.WithStepOutput(w.ctx)
	err := w.apply(stepCtx, s)
	elapsed := time.Since(start)
	output := providers.StepOutput(stepCtx)
	if err != nil && w.ctx.Err() != nil {
		// Cancelled while it ran: not a failure of the step itself.
		w.mu.Lock()
		w.status[s.ID] = Cancelled
		w.errs.Errors = append(w.errs.Errors, &stepError{id: s.ID, err: err})
		w.mu.Unlock()
		w.journalEnd(s, providers.JournalFailed, err.Error(), output)
	} else if err != nil {
		w.fail(s, err)
		w.journalEnd(s, providers.JournalFailed, err.Error(), output)
	} else {
		w.set(s.ID, Done)
		if jerr := w.journalEnd(s, providers.JournalDone, "", output); jerr != nil {
			// The step is done but its end is not on record: a rerun
			// plans afresh and the step, being idempotent, converges.
			w.fail(s, jerr)
			err = jerr
		}
	}
	if w.opts.Observer != nil {
		w.opts.Observer.Finished(s, err, elapsed)
	}
}

// notStarted marks a step the stopped run never started.
func (w *walker) notStarted(s *providers.Step) {
	w.set(s.ID, Stopped)
	w.journal(s, providers.JournalSkipped, "the apply was stopped before this step started")
}

func (w *walker) skip(s *providers.Step, reason string) {
	w.set(s.ID, Skipped)
	w.journal(s, providers.JournalSkipped, reason)
	if w.opts.Observer != nil {
		w.opts.Observer.Skipped(s, reason)
	}
}

func (w *walker) journal(s *providers.Step, ev providers.JournalEvent, msg string) error {
	return w.journalEnd(s, ev, msg, "")
}

// journalEnd journals an event with what the step's commands printed.
func (w *walker) journalEnd(s *providers.Step, ev providers.JournalEvent, msg, output string) error {
	if w.opts.Journal == nil {
		return nil
	}
	err := w.opts.Journal.Append(providers.JournalEntry{Time: time.Now().UTC(), Apply: w.opts.ApplyID, Step: s.ID, Event: ev, Error: msg, Output: output})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJournal, err)
	}
	return nil
}
