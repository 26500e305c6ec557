package executor

import "context"

// semaphore bounds how many steps run at once. A slot is given back only
// by the one who took it: Acquire says whether it took one, and Release
// without a matching Acquire panics rather than take someone else's slot
// (which let a running step's release block for ever).
type semaphore chan struct{}

func newSemaphore(n int) semaphore { return make(semaphore, n) }

// Acquire waits for a slot. It returns false, holding nothing, when ctx
// is done or stop is closed before a slot is free, and also when a slot
// and the stop come at once: a stopped run starts nothing more.
func (s semaphore) Acquire(ctx context.Context, stop <-chan struct{}) bool {
	select {
	case s <- struct{}{}:
	case <-ctx.Done():
		return false
	case <-stop:
		return false
	}
	if ctx.Err() != nil || closed(stop) {
		s.Release()
		return false
	}
	return true
}

// Release gives back a slot taken by Acquire.
func (s semaphore) Release() {
	select {
	case <-s:
	default:
		panic("executor: semaphore released more often than acquired")
	}
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
