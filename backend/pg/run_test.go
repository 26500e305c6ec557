package pg

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/providertest"
	"github.com/exdr/exdr/run"
)

type quietUI struct{}

func (quietUI) Started(*providers.Step)                        {}
func (quietUI) Finished(*providers.Step, error, time.Duration) {}
func (quietUI) Skipped(*providers.Step, string)                {}
func (quietUI) Progress(*providers.Step) providers.Progress    { return nil }
func (quietUI) Warn(string)                                    {}
func (quietUI) Previous(run.Previous)                          {}
func (quietUI) Planned(*planner.Plan) error                    { return nil }
func (quietUI) Consent(context.Context, *planner.Plan) error   { return nil }
func (quietUI) Stopping(bool)                                  {}

// The connection of the lock's holder cut mid-apply (its session ended
// by the server): the run stops, saying the lock was lost, and the
// journal holds each step that started once, with its end: nothing lost,
// nothing twice.
func TestConnectionCutMidApplyStopsTheRun(t *testing.T) {
	cs := testConn(t)
	name := orgName(t)
	b := newBackend(t, cs, name)
	admin, err := pgx.Connect(context.Background(), cs)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	p := &planner.Plan{}
	for i := range 30 {
		addr := fmt.Sprintf("mailbox_database.DB%02d", i)
		p.Steps = append(p.Steps, &providers.Step{ID: providers.StepID(addr, providers.VerbMount), Address: addr, Verb: providers.VerbMount})
	}
	var started atomic.Int32
	prov := &providertest.Fake{ApplyFunc: func(ctx context.Context, _ *providers.Step, _ providers.Progress) error {
		if started.Add(1) == 3 {
			if _, err := admin.Exec(context.Background(), "SELECT pg_terminate_backend(backend_pid) FROM exdr_locks WHERE organization = $1", strings.ToLower(name)); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(40 * time.Millisecond):
			return nil
		}
	}}
	out, err := run.Apply(context.Background(), run.Request{
		Provider:    prov,
		Lock:        run.Lock{Backend: b, Operation: "apply"},
		Parallelism: 2,
		Plan:        func(context.Context, *org.Org) (*planner.Plan, error) { return p, nil },
		Replan:      func(*org.Org, []string) (*planner.Plan, error) { return &planner.Plan{}, nil },
		UI:          quietUI{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.LockLost == nil || out.Complete() {
		t.Fatalf("lock lost %v, complete %v: want a run stopped by the lost lock", out.LockLost, out.Complete())
	}
	if int(started.Load()) >= len(p.Steps) {
		t.Errorf("all %d steps started after the lock was lost", started.Load())
	}
	entries, _, err := b.Journal().Entries()
	if err != nil {
		t.Fatal(err)
	}
	starts, ends := map[string]int{}, map[string]int{}
	for _, e := range entries {
		if e.Event == providers.JournalStart {
			starts[e.Step]++
		} else {
			ends[e.Step]++
		}
	}
	if len(starts) != int(started.Load()) {
		t.Errorf("the journal has %d steps started, the provider saw %d", len(starts), started.Load())
	}
	for step, n := range starts {
		if n != 1 || ends[step] != 1 {
			t.Errorf("%s: %d starts, %d ends in the journal; want one of each", step, n, ends[step])
		}
	}
	// The steps running when the connection was cut finished.
	for _, e := range entries {
		if e.Event == providers.JournalFailed {
			t.Errorf("%s failed (%s): a lost lock lets running steps finish", e.Step, e.Error)
		}
	}
	runs, err := b.Runs(0)
	if err != nil || len(runs) != 1 || runs[0].Steps[providers.JournalStart] != len(starts) {
		t.Fatalf("history: %+v, %v", runs, err)
	}
}

// -lock=false with the lock held on another machine goes on, and warns
// who holds it, as with the local backend.
func TestLockFalseWarnsOfTheHolder(t *testing.T) {
	cs := testConn(t)
	name := orgName(t)
	holder, other := newBackend(t, cs, name), newBackend(t, cs, name)
	_, unlock, err := holder.Lock(context.Background(), info("held"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	var warnings []string
	ran := false
	err = run.Locked(context.Background(), run.Lock{Backend: other, Operation: "plan", Skip: true},
		func(msg string) { warnings = append(warnings, msg) },
		func(context.Context, string) error { ran = true; return nil })
	if err != nil || !ran {
		t.Fatalf("-lock=false: ran %v, %v", ran, err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "alice@mgmt01 (pid 1) holds the lock for apply") {
		t.Errorf("warnings %q, want one naming the holder", warnings)
	}
	// An apply without the lock is in the history, said so.
	if err := run.Locked(context.Background(), run.Lock{Backend: other, Operation: "apply", Skip: true}, func(string) {},
		func(context.Context, string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	runs, err := other.Runs(0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range runs {
		if r.Operation == "apply (-lock=false)" && !r.Ended.IsZero() {
			found = true
		}
	}
	if !found {
		t.Errorf("the apply without the lock is not in the history: %+v", runs)
	}
}
