package executor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
)

// chain builds a plan from "a<-b,c" specs: step a depends on b and c.
func chain(specs ...string) *planner.Plan {
	p := &planner.Plan{}
	for _, spec := range specs {
		id, deps, _ := strings.Cut(spec, "<-")
		s := &providers.Step{ID: id, Address: id, Verb: "test"}
		if deps != "" {
			s.DependsOn = strings.Split(deps, ",")
		}
		p.Steps = append(p.Steps, s)
	}
	return p
}

type recorder struct {
	mu    sync.Mutex
	order []string
}

func (r *recorder) apply(fail ...string) ApplyFunc {
	return func(ctx context.Context, s *providers.Step) error {
		r.mu.Lock()
		r.order = append(r.order, s.ID)
		r.mu.Unlock()
		if slices.Contains(fail, s.ID) {
			return errors.New("boom")
		}
		return nil
	}
}

func TestDependenciesRunFirst(t *testing.T) {
	p := chain("mount<-replay", "replay<-sg", "sg<-server", "server", "other")
	for range 20 { // the scheduler varies; the order must not
		var r recorder
		res := Run(context.Background(), p, r.apply(), Options{Parallelism: 4})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		pos := map[string]int{}
		for i, id := range r.order {
			pos[id] = i
		}
		for _, s := range p.Steps {
			for _, d := range s.DependsOn {
				if pos[d] > pos[s.ID] {
					t.Fatalf("%s ran before %s, which it depends on: %v", s.ID, d, r.order)
				}
			}
		}
	}
}

func TestFailureSkipsExactlyItsDependents(t *testing.T) {
	p := chain("a", "b<-a", "c<-b", "d<-a,x", "x", "y<-x", "z")
	var r recorder
	res := Run(context.Background(), p, r.apply("a"), Options{})
	want := map[string]Status{"a": Failed, "b": Skipped, "c": Skipped, "d": Skipped, "x": Done, "y": Done, "z": Done}
	for id, st := range want {
		if res.Status[id] != st {
			t.Errorf("%s is %s, want %s", id, res.Status[id], st)
		}
	}
	if res.Err == nil || !strings.Contains(res.Err.Error(), "a: boom") {
		t.Errorf("error = %v, want one naming step a", res.Err)
	}
}

func TestAllFailuresReportedTogether(t *testing.T) {
	p := chain("a", "b", "c")
	var r recorder
	res := Run(context.Background(), p, r.apply("a", "c"), Options{})
	msg := fmt.Sprint(res.Err)
	if !strings.Contains(msg, "a: boom") || !strings.Contains(msg, "c: boom") || strings.Contains(msg, "b: boom") {
		t.Errorf("error = %q, want a and c named, not b", msg)
	}
	// exdr's own list, in the plan's order, not go-multierror's "2 errors
	// occurred:" with tabs and stars.
	if want := "2 steps failed:\n  - a: boom\n  - c: boom"; msg != want {
		t.Errorf("error = %q, want %q", msg, want)
	}
	one := Run(context.Background(), chain("a"), r.apply("a"), Options{})
	if got := fmt.Sprint(one.Err); got != "a: boom" {
		t.Errorf("one failure reads %q, want %q", got, "a: boom")
	}
}

func TestParallelismIsBounded(t *testing.T) {
	var specs []string
	for i := range 40 {
		specs = append(specs, fmt.Sprintf("s%d", i))
	}
	p := chain(specs...)
	for _, n := range []int{1, 3, 10} {
		var running, peak atomic.Int32
		apply := func(ctx context.Context, s *providers.Step) error {
			cur := running.Add(1)
			for {
				old := peak.Load()
				if cur <= old || peak.CompareAndSwap(old, cur) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
			running.Add(-1)
			return nil
		}
		if res := Run(context.Background(), p, apply, Options{Parallelism: n}); res.Err != nil {
			t.Fatal(res.Err)
		}
		if got := peak.Load(); got > int32(n) || got < 1 {
			t.Errorf("parallelism %d: peak %d steps at once", n, got)
		}
		if n > 1 && peak.Load() < 2 {
			t.Errorf("parallelism %d: steps never overlapped", n)
		}
	}
}

func TestStopLetsRunningStepsFinish(t *testing.T) {
	p := chain("first", "second<-first", "third<-second")
	stop := make(chan struct{})
	var finished atomic.Bool
	apply := func(ctx context.Context, s *providers.Step) error {
		if s.ID == "first" {
			close(stop) // Ctrl-C while the first step runs
			time.Sleep(10 * time.Millisecond)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			finished.Store(true)
		}
		return nil
	}
	res := Run(context.Background(), p, apply, Options{Stop: stop})
	if !finished.Load() || res.Status["first"] != Done {
		t.Errorf("the running step did not finish: %s", res.Status["first"])
	}
	// third never started because the run stopped, not because anything
	// failed: it counts as not started, like second.
	if res.Status["second"] != Stopped || res.Status["third"] != Stopped {
		t.Errorf("after stop: second %s, third %s; want stopped, stopped", res.Status["second"], res.Status["third"])
	}
}

func TestCancelStopsRunningSteps(t *testing.T) {
	p := chain("long", "after<-long", "independent")
	ctx, cancel := context.WithCancel(context.Background())
	apply := func(ctx context.Context, s *providers.Step) error {
		if s.ID == "long" {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}
	res := Run(ctx, p, apply, Options{Parallelism: 1})
	if res.Status["long"] != Cancelled || !errors.Is(res.Err, context.Canceled) {
		t.Errorf("long is %s, error %v; want cancelled with context.Canceled", res.Status["long"], res.Err)
	}
	if res.Status["after"] != Stopped {
		t.Errorf("after is %s, want stopped (never started)", res.Status["after"])
	}
}

type memJournal struct {
	mu      sync.Mutex
	entries []providers.JournalEntry
	failOn  providers.JournalEvent
}

func (j *memJournal) Append(e providers.JournalEntry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if e.Event == j.failOn {
		return errors.New("disk full")
	}
	j.entries = append(j.entries, e)
	return nil
}

func (j *memJournal) Entries() ([]providers.JournalEntry, []string, error) {
	return j.entries, nil, nil
}

func TestJournalBeforeAndAfter(t *testing.T) {
	j := &memJournal{}
	p := chain("a", "b<-a")
	var r recorder
	Run(context.Background(), p, r.apply("a"), Options{Journal: j, ApplyID: "run1"})
	var got []string
	for _, e := range j.entries {
		if e.Apply != "run1" {
			t.Errorf("entry %+v lacks the apply ID", e)
		}
		got = append(got, e.Step+":"+string(e.Event))
	}
	want := "a:start a:failed b:skipped"
	if strings.Join(got, " ") != want {
		t.Errorf("journal = %s, want %s", strings.Join(got, " "), want)
	}
}

func TestUnjournaledStepDoesNotRun(t *testing.T) {
	j := &memJournal{failOn: providers.JournalStart}
	var r recorder
	res := Run(context.Background(), chain("a"), r.apply(), Options{Journal: j})
	if len(r.order) != 0 || !errors.Is(res.Err, ErrJournal) {
		t.Errorf("ran %v with error %v; want nothing run and ErrJournal", r.order, res.Err)
	}
}

// BenchmarkOverhead1000 runs 1,000 independent steps that do nothing: the
// time per step is the executor's own cost.
func BenchmarkOverhead1000(b *testing.B) {
	var specs []string
	for i := range 1000 {
		specs = append(specs, fmt.Sprintf("s%d", i))
	}
	p := chain(specs...)
	noop := func(context.Context, *providers.Step) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if res := Run(context.Background(), p, noop, Options{}); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000/1000, "µs/step")
}

// What a step's commands print is kept on its end's entry, done or
// failed, and only on its own.
func TestStepOutputIsJournaled(t *testing.T) {
	j := &memJournal{}
	apply := func(ctx context.Context, s *providers.Step) error {
		providers.RecordOutput(ctx, "ran "+s.ID)
		if s.ID == "b" {
			providers.RecordOutput(ctx, "second line\n")
			return errors.New("exit 1")
		}
		return nil
	}
	Run(context.Background(), chain("a", "b", "c<-a"), apply, Options{Journal: j, ApplyID: "run1", Parallelism: 2})
	got := map[string]string{}
	for _, e := range j.entries {
		if e.Event == providers.JournalStart && e.Output != "" {
			t.Errorf("%s's start carries output %q", e.Step, e.Output)
		}
		if e.Event != providers.JournalStart {
			got[e.Step+":"+string(e.Event)] = e.Output
		}
	}
	want := map[string]string{"a:done": "ran a\n", "b:failed": "ran b\nsecond line\n", "c:done": "ran c\n"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: output %q, want %q", k, got[k], v)
		}
	}
}

// The journal keeps the end of a long output, cut at a line.
func TestStepOutputKeepsItsEnd(t *testing.T) {
	ctx := providers.WithStepOutput(context.Background())
	for i := range 20000 {
		providers.RecordOutput(ctx, fmt.Sprintf("line %05d", i))
	}
	out := providers.StepOutput(ctx)
	if len(out) > providers.MaxStepOutput+4 || !strings.HasPrefix(out, "...\nline ") || !strings.HasSuffix(out, "line 19999\n") {
		t.Errorf("kept %d bytes: %.40q ... %q", len(out), out, out[len(out)-20:])
	}
}

// One line longer than what is kept is kept from a character's start,
// not dropped whole.
func TestStepOutputKeepsALongLastLine(t *testing.T) {
	ctx := providers.WithStepOutput(context.Background())
	providers.RecordOutput(ctx, "cause\n"+strings.Repeat("é", providers.MaxStepOutput))
	out := providers.StepOutput(ctx)
	if !strings.HasPrefix(out, "...\n") || len(out) < providers.MaxStepOutput/2 || !utf8.ValidString(out) {
		t.Errorf("kept %d bytes, valid UTF-8 %v: %.20q", len(out), utf8.ValidString(out), out)
	}
}

// An owed step is journaled as planned before any step runs; a journal
// that cannot take it starts nothing, since a run cut short would then
// forget the debt.
func TestOwedStepsJournaledFirst(t *testing.T) {
	p := chain("a", "b<-a")
	p.Steps[1].Owed = true
	j := &memJournal{}
	var r recorder
	Run(context.Background(), p, r.apply(), Options{Journal: j, ApplyID: "run1"})
	var got []string
	for _, e := range j.entries {
		got = append(got, e.Step+":"+string(e.Event))
	}
	if want := "b:planned a:start a:done b:start b:done"; strings.Join(got, " ") != want {
		t.Errorf("journal = %s, want %s", strings.Join(got, " "), want)
	}

	j = &memJournal{failOn: providers.JournalPlanned}
	r = recorder{}
	res := Run(context.Background(), p, r.apply(), Options{Journal: j})
	if len(r.order) != 0 || !errors.Is(res.Err, ErrJournal) || res.Status["a"] != Stopped {
		t.Errorf("ran %v with error %v, a %s; want nothing run, ErrJournal", r.order, res.Err, res.Status["a"])
	}
}
