package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/executor"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/providertest"
)

// wide is a plan of n independent steps.
func wide(n int) *planner.Plan {
	p := &planner.Plan{}
	for i := range n {
		addr := fmt.Sprintf("mailbox_database.DB%02d", i)
		p.Steps = append(p.Steps, &providers.Step{ID: providers.StepID(addr, providers.VerbMount), Address: addr, Verb: providers.VerbMount})
	}
	return p
}

// testUI consents and records what the run told it.
type testUI struct {
	quietUI
	mu       sync.Mutex
	stopping []bool
	warnings []string
	consent  func(ctx context.Context) error
}

type quietUI struct{}

func (quietUI) Started(*providers.Step)                        {}
func (quietUI) Finished(*providers.Step, error, time.Duration) {}
func (quietUI) Skipped(*providers.Step, string)                {}
func (quietUI) Progress(*providers.Step) providers.Progress    { return nil }
func (quietUI) Previous(Previous)                              {}
func (quietUI) Planned(*planner.Plan) error                    { return nil }

func (u *testUI) Warn(msg string) {
	u.mu.Lock()
	u.warnings = append(u.warnings, msg)
	u.mu.Unlock()
}

func (u *testUI) Consent(ctx context.Context, _ *planner.Plan) error {
	if u.consent != nil {
		return u.consent(ctx)
	}
	return nil
}

func (u *testUI) Stopping(cancel bool) {
	u.mu.Lock()
	u.stopping = append(u.stopping, cancel)
	u.mu.Unlock()
}

func request(dir string, prov providers.Provider, p *planner.Plan, sig chan os.Signal, ui UI) Request {
	return Request{
		Provider:    prov,
		Lock:        Lock{Backend: backend.NewDir(dir), Operation: "apply"},
		Parallelism: 3,
		Interrupt:   sig,
		Plan:        func(context.Context, *org.Org) (*planner.Plan, error) { return p, nil },
		Replan:      func(*org.Org, []string) (*planner.Plan, error) { return &planner.Plan{}, nil },
		UI:          ui,
	}
}

func assertUnlocked(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "lock.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock is left behind: %v", err)
	}
}

// An interrupt while the lock is taken, the organization read or the
// person asked ends the run with nothing changed and the lock released.
func TestInterruptBeforeAnyStep(t *testing.T) {
	for _, phase := range []string{"read", "consent"} {
		t.Run(phase, func(t *testing.T) {
			dir := t.TempDir()
			sig := make(chan os.Signal, 1)
			var applied atomic.Int32
			prov := &providertest.Fake{
				ReadFunc: func(ctx context.Context) (*org.Org, error) {
					if phase == "read" {
						sig <- syscall.SIGINT
						<-ctx.Done()
						return nil, ctx.Err()
					}
					return &org.Org{}, nil
				},
				ApplyFunc: func(context.Context, *providers.Step, providers.Progress) error { applied.Add(1); return nil },
			}
			ui := &testUI{consent: func(ctx context.Context) error {
				sig <- syscall.SIGTERM
				<-ctx.Done()
				return context.Cause(ctx)
			}}
			_, err := Apply(context.Background(), request(dir, prov, wide(5), sig, ui))
			if !errors.Is(err, ErrInterrupted) {
				t.Errorf("error = %v, want ErrInterrupted", err)
			}
			if applied.Load() != 0 {
				t.Errorf("%d steps ran after an interrupt before any step", applied.Load())
			}
			assertUnlocked(t, dir)
		})
	}
}

// The first interrupt while steps run lets the running ones finish and
// starts no more; the second cancels the running ones. Either way the
// run ends soon, says it was interrupted, and lets go of the lock.
func TestInterruptWhileStepsRun(t *testing.T) {
	for _, signals := range []int{1, 2} {
		for _, after := range []int{1, 3, 7} {
			t.Run(fmt.Sprintf("%d_after_%d", signals, after), func(t *testing.T) {
				dir := t.TempDir()
				sig := make(chan os.Signal, 2)
				var started atomic.Int32
				prov := &providertest.Fake{ApplyFunc: func(ctx context.Context, _ *providers.Step, _ providers.Progress) error {
					if started.Add(1) == int32(after) {
						for range signals {
							sig <- syscall.SIGINT
						}
					}
					select {
					case <-ctx.Done():
						return ctx.Err()
					case <-time.After(20 * time.Millisecond):
						return nil
					}
				}}
				ui := &testUI{}
				done := make(chan struct{})
				var out *Outcome
				var err error
				go func() {
					out, err = Apply(context.Background(), request(dir, prov, wide(15), sig, ui))
					close(done)
				}()
				select {
				case <-done:
				case <-time.After(5 * time.Second):
					t.Fatal("the run did not end after the interrupt")
				}
				if err != nil {
					t.Fatal(err)
				}
				if !out.Interrupted || out.Complete() || out.Check != nil {
					t.Errorf("interrupted %v, complete %v, checked %v: want an interrupted, incomplete, unchecked run", out.Interrupted, out.Complete(), out.Check != nil)
				}
				n := out.Result.Count()
				if n[executor.Stopped] == 0 || n[executor.Done]+n[executor.Cancelled]+n[executor.Stopped] != 15 {
					t.Errorf("statuses %v", n)
				}
				if signals == 2 && n[executor.Cancelled] == 0 {
					t.Errorf("the second interrupt cancelled nothing: %v", n)
				}
				if signals == 1 && n[executor.Cancelled] != 0 {
					t.Errorf("the first interrupt cancelled running steps: %v", n)
				}
				if len(ui.stopping) != signals {
					t.Errorf("the UI heard %v, want %d interrupts", ui.stopping, signals)
				}
				assertUnlocked(t, dir)
			})
		}
	}
}

// A held lock stops the run before it reads anything; -lock=false runs
// and warns of the holder.
func TestHeldLock(t *testing.T) {
	dir := t.TempDir()
	b := backend.NewDir(dir)
	_, unlock, err := b.Lock(context.Background(), backend.LockInfo{ID: "held", Holder: "alice@mgmt01 (pid 1)", Operation: "apply"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	var read atomic.Int32
	prov := &providertest.Fake{ReadFunc: func(context.Context) (*org.Org, error) { read.Add(1); return &org.Org{}, nil }}
	ui := &testUI{}
	_, err = Apply(context.Background(), request(dir, prov, wide(2), nil, ui))
	var lerr *LockError
	if !errors.As(err, &lerr) || lerr.Info.ID != "held" || read.Load() != 0 {
		t.Fatalf("error %v after %d reads; want a LockError naming the holder, nothing read", err, read.Load())
	}
	req := request(dir, prov, wide(2), nil, ui)
	req.Lock.Skip = true
	out, err := Apply(context.Background(), req)
	if err != nil || !out.Complete() {
		t.Fatalf("-lock=false: %v", err)
	}
	if len(ui.warnings) != 1 {
		t.Errorf("warnings %q, want one naming the holder", ui.warnings)
	}
}

// A lock lost while steps run (force-unlock from another terminal) stops
// the run and says why.
func TestLockLostStopsTheRun(t *testing.T) {
	dir := t.TempDir()
	b := backend.NewDir(dir)
	b.CheckInterval = 10 * time.Millisecond
	var started atomic.Int32
	prov := &providertest.Fake{ApplyFunc: func(ctx context.Context, _ *providers.Step, _ providers.Progress) error {
		if started.Add(1) == 2 {
			h, _ := b.Holder()
			if _, err := b.ForceUnlock(h.ID); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
			return nil
		}
	}}
	req := request(dir, prov, wide(15), nil, &testUI{})
	req.Lock.Backend = b
	out, err := Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if out.LockLost == nil || out.Complete() {
		t.Errorf("lock lost %v, complete %v", out.LockLost, out.Complete())
	}
	// The steps running when the lock was lost finish; none starts after.
	n := out.Result.Count()
	if n[executor.Cancelled] != 0 || n[executor.Failed] != 0 || n[executor.Stopped]+n[executor.Pending] == 0 {
		t.Errorf("statuses %v: want the running steps done, none cancelled or failed, the rest not started", n)
	}
}

// After a -target run the check is scoped to the targets and names what
// they left out.
func TestCheckIsScopedToTargets(t *testing.T) {
	dir := t.TempDir()
	rest := wide(3)
	req := request(dir, &providertest.Fake{}, wide(1), nil, &testUI{})
	req.Targets = []string{"mailbox_database.DB00"}
	req.Replan = func(_ *org.Org, targets []string) (*planner.Plan, error) {
		if len(targets) > 0 {
			return &planner.Plan{}, nil
		}
		return rest, nil
	}
	out, err := Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Check.Matches() || len(out.Check.LeftOut) != 3 {
		t.Errorf("check %+v: want the target matching and 3 addresses left out", out.Check)
	}
}

// The journal of a run records every step's start and end, under the
// lock's ID, and the next run reads what an interrupted one left.
func TestJournalAndPrevious(t *testing.T) {
	dir := t.TempDir()
	b := backend.NewDir(dir)
	j := b.Journal()
	j.Append(providers.JournalEntry{Apply: "old", Step: "x", Event: providers.JournalStart})
	j.Append(providers.JournalEntry{Apply: "old", Step: "y", Event: providers.JournalStart})
	j.Append(providers.JournalEntry{Apply: "old", Step: "y", Event: providers.JournalDone})
	var prev Previous
	ui := &previousUI{testUI: &testUI{}, got: &prev}
	if _, err := Apply(context.Background(), request(dir, &providertest.Fake{}, wide(2), nil, ui)); err != nil {
		t.Fatal(err)
	}
	if prev.Apply != "old" || len(prev.Unfinished) != 1 || prev.Unfinished[0] != "x" {
		t.Errorf("previous = %+v, want old with x unfinished", prev)
	}
	entries, _, _ := j.Entries()
	if len(entries) != 3+4 {
		t.Errorf("%d journal entries, want 3 old and a start and end for 2 steps", len(entries))
	}
}

type previousUI struct {
	*testUI
	got *Previous
}

func (u *previousUI) Previous(p Previous) { *u.got = p }

// A lock lost between two steps is seen before the next one starts, not
// only by the monitor's next tick: a holder paused (kill -STOP) while
// someone ran force-unlock starts nothing more once it runs again.
func TestLockLostIsSeenBeforeTheNextStep(t *testing.T) {
	dir := t.TempDir()
	b := backend.NewDir(dir)
	b.CheckInterval = time.Hour // the monitor never ticks in this test
	var started atomic.Int32
	prov := &providertest.Fake{ApplyFunc: func(ctx context.Context, _ *providers.Step, _ providers.Progress) error {
		if started.Add(1) == 1 {
			h, _ := b.Holder()
			if _, err := b.ForceUnlock(h.ID); err != nil {
				return err
			}
		}
		return nil
	}}
	req := request(dir, prov, chain(5), nil, &testUI{})
	req.Lock.Backend = b
	out, err := Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if started.Load() != 1 || out.LockLost == nil {
		t.Errorf("%d steps started, lock lost %v: want one step, then the loss seen before the next", started.Load(), out.LockLost)
	}
}

// chain is n steps, each after the one before.
func chain(n int) *planner.Plan {
	p := wide(n)
	for i := 1; i < n; i++ {
		p.Steps[i].DependsOn = []string{p.Steps[i-1].ID}
	}
	return p
}

// Owed lists each owed step planned and not done since, whatever run
// planned it: a later run that did not plan it (a -target elsewhere)
// leaves it owed.
func TestOwed(t *testing.T) {
	b := backend.NewDir(t.TempDir())
	j := b.Journal()
	for _, e := range []providers.JournalEntry{
		{Apply: "r1", Step: "m1", Event: providers.JournalPlanned},
		{Apply: "r1", Step: "m2", Event: providers.JournalPlanned},
		{Apply: "r1", Step: "m1", Event: providers.JournalStart},
		{Apply: "r2", Step: "x", Event: providers.JournalDone},
		{Apply: "r3", Step: "m2", Event: providers.JournalPlanned},
		{Apply: "r3", Step: "m2", Event: providers.JournalStart},
		{Apply: "r3", Step: "m2", Event: providers.JournalDone},
		{Apply: "r4", Step: "m3", Event: providers.JournalPlanned},
		{Apply: "r4", Step: "m3", Event: providers.JournalSkipped},
	} {
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	owed, err := Owed(j)
	if err != nil {
		t.Fatal(err)
	}
	if len(owed) != 2 || !owed["m1"] || !owed["m3"] {
		t.Errorf("owed = %v, want m1 (killed) and m3 (skipped)", owed)
	}
}
