package command

import (
	"context"
	"flag"
	"os"
	"os/signal"
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
	fs.DurationVar(&l.timeout, "lock-timeout", 0, "wait this long for another run's lock, such as 30s")
}

func (l *lockFlags) lock(b backend.Backend, operation string) run.Lock {
	return run.Lock{Backend: b, Operation: operation, Wait: l.timeout, Skip: !l.enabled}
}
