package command

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/run"
)

// interruptSignals are the signals that stop a run: Ctrl-C, SIGTERM (a
// service manager, kill) and SIGHUP (the terminal closed, the SSH
// session dropped).
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// notifyInterrupts delivers Ctrl-C and SIGTERM on a channel, for a
// command that handles them in stages (apply), from now until the process
// exits.
func notifyInterrupts() <-chan os.Signal {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, interruptSignals...)
	// A recovery is not cut short because its output went away
	// (exdr apply | head, a tee that died): without this, the first
	// write to a closed pipe kills the process mid-step. The writes
	// fail instead, and the steps, the journal and the exit status go
	// on as they would.
	signal.Ignore(syscall.SIGPIPE)
	return ch
}

// interruptible returns a context cancelled by Ctrl-C or SIGTERM.
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, interruptSignals...)
}

// lockFlags are -lock and -lock-timeout, as Terraform has them.
type lockFlags struct {
	enabled bool
	timeout time.Duration
}

func (l *lockFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&l.enabled, "lock", true, "take the organization's lock; -lock=false goes without it (another apply may be changing the organization)")
	fs.Var((*durationValue)(&l.timeout), "lock-timeout", "wait this long for another run's lock: a `duration` such as 30s or 5m")
}

// durationValue is a duration flag whose error says what to write: a
// bare number (-lock-timeout 5) is the likeliest slip, and package flag
// would call it only "parse error".
type durationValue time.Duration

func (d *durationValue) String() string { return time.Duration(*d).String() }

func (d *durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		if _, nerr := strconv.ParseFloat(s, 64); nerr == nil {
			return fmt.Errorf("a duration needs its unit: write %ss (seconds), %sm or %sh", s, s, s)
		}
		return fmt.Errorf("not a duration: write it as 30s, 5m or 1h30m")
	}
	if v < 0 {
		return fmt.Errorf("a duration to wait cannot be negative")
	}
	*d = durationValue(v)
	return nil
}

func (l *lockFlags) lock(b backend.Backend, operation string) run.Lock {
	return run.Lock{Backend: b, Operation: operation, Wait: l.timeout, Skip: !l.enabled}
}
