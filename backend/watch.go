package backend

import (
	"context"
	"sync"
	"time"
)

// Watch is what every backend's held lock needs: a context cancelled,
// with the reason as its cause, once check says the lock is lost; check
// asked every interval (default: every second), and again by Verify
// before each step. check returns nil while the lock is held. stop ends
// the watching and cancels the context; call it before letting go.
func Watch(ctx context.Context, interval time.Duration, check func(ctx context.Context) error) (held context.Context, stop func()) {
	lockCtx, cancel := context.WithCancelCause(ctx)
	lost := func() error {
		if err := lockCtx.Err(); err != nil {
			return context.Cause(lockCtx)
		}
		cause := check(lockCtx)
		if cause != nil && lockCtx.Err() == nil {
			cancel(cause)
		}
		return cause
	}
	if interval <= 0 {
		interval = time.Second
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-lockCtx.Done():
				return
			case <-t.C:
				if lost() != nil {
					return
				}
			}
		}
	})
	var once sync.Once
	return WithVerifier(lockCtx, lost), func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			cancel(nil)
		})
	}
}
