package executor

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/exdr/exdr/providers"
)

// independent builds a plan of n steps that depend on nothing.
func independent(n int) []string {
	specs := make([]string, n)
	for i := range specs {
		specs[i] = fmt.Sprintf("s%02d", i)
	}
	return specs
}

// TestStopAtEveryPointWithStepsWaitingForSlots stops a run of many
// independent steps, more than the parallelism, after each possible number
// of started steps: steps are waiting for a slot when the stop comes. The
// run must end, every step must be done or not started, and nothing that
// ran may be counted as not started (or the reverse).
func TestStopAtEveryPointWithStepsWaitingForSlots(t *testing.T) {
	const steps, parallelism = 15, 4
	p := chain(independent(steps)...)
	for stopAfter := 1; stopAfter <= steps; stopAfter++ {
		for _, cancelToo := range []bool{false, true} {
			t.Run(fmt.Sprintf("after%d/cancel=%v", stopAfter, cancelToo), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				stop := make(chan struct{})
				var mu sync.Mutex
				started, ran := 0, map[string]bool{}
				apply := func(ctx context.Context, s *providers.Step) error {
					mu.Lock()
					started++
					ran[s.ID] = true
					if started == stopAfter {
						close(stop)
						if cancelToo {
							cancel()
						}
					}
					mu.Unlock()
					// Give the waiting steps time to see the stop.
					select {
					case <-ctx.Done():
						return ctx.Err()
					case <-time.After(time.Millisecond):
					}
					return nil
				}
				resc := make(chan *Result, 1)
				go func() { resc <- Run(ctx, p, apply, Options{Parallelism: parallelism, Stop: stop}) }()
				var res *Result
				select {
				case res = <-resc:
				case <-time.After(10 * time.Second):
					t.Fatalf("the run did not end after the stop (%d steps started)", started)
				}
				n := res.Count()
				if n[Pending] != 0 || n[Skipped] != 0 || n[Failed] != 0 {
					t.Errorf("statuses %v: nothing may be pending, skipped or failed", n)
				}
				for id, st := range res.Status {
					if ran[id] != (st == Done || st == Cancelled) {
						t.Errorf("%s is %s, but it ran: %v", id, st, ran[id])
					}
				}
				if !cancelToo && n[Done] != len(ran) {
					t.Errorf("%d done, %d ran: every step that started without a cancel finishes", n[Done], len(ran))
				}
				if n[Done]+n[Cancelled]+n[Stopped] != steps {
					t.Errorf("statuses %v do not add up to %d steps", n, steps)
				}
			})
		}
	}
}

// TestSemaphore: a slot is released only by whoever took it.
func TestSemaphore(t *testing.T) {
	sem := newSemaphore(2)
	never := make(chan struct{})
	if !sem.Acquire(context.Background(), never) || !sem.Acquire(context.Background(), never) {
		t.Fatal("two slots of two could not be taken")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if sem.Acquire(ctx, never) {
		t.Fatal("a third slot was taken from a full semaphore")
	}
	stop := make(chan struct{})
	close(stop)
	sem.Release()
	// A slot is free, but the stop came first: Acquire must not take it
	// and report that it did not.
	for range 100 {
		if sem.Acquire(context.Background(), stop) {
			t.Fatal("Acquire took a slot after the stop")
		}
	}
	sem.Release()
	defer func() {
		if recover() == nil {
			t.Error("releasing a slot nobody holds did not panic")
		}
	}()
	sem.Release()
}
