package lab

import (
	"context"
	"fmt"
	"strings"

	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/transport"
)

// applyQueue carries out a step on a server's queue database. Every file
// operation needs MSExchangeTransport stopped, and sets the old files
// aside first.
func (l *Lab) applyQueue(ctx context.Context, server string, step *providers.Step, progress providers.Progress) error {
	do, ok := queueVerbs[step.Verb]
	if !ok {
		return fmt.Errorf("the lab cannot carry out %s on a queue database", step.Verb)
	}
	if err := do(l, server, call{ctx, step, progress}); err != nil {
		return fmt.Errorf("%s %s: %w", step.Verb, transport.QueueIdentity(server), err)
	}
	return nil
}

// queueVerbs are the lab's implementation of each verb on a transport
// server's queue database (server is the queue's server).
var queueVerbs = map[providers.Verb]func(l *Lab, server string, c call) error{
	providers.VerbStopTransport: func(l *Lab, server string, c call) error {
		return l.StopTransport(server)
	},
	providers.VerbStartTransport: func(l *Lab, server string, c call) error {
		return l.StartTransport(server)
	},
	providers.VerbReplayLogs: func(l *Lab, server string, c call) error {
		return l.RecoverQueueOffline(server)
	},
	providers.VerbRepairDatabase: func(l *Lab, server string, c call) error {
		return l.RepairQueue(c.ctx, server, c.progress)
	},
	providers.VerbDefragment: func(l *Lab, server string, c call) error {
		return l.DefragmentQueue(c.ctx, server, c.progress)
	},
	providers.VerbMoveQueueDatabase: func(l *Lab, server string, c call) error {
		return l.MoveQueueDatabase(server, c.step.Args["path"], c.step.Args["logging_path"])
	},
	providers.VerbImportQueue: func(l *Lab, server string, c call) error {
		return l.ImportQueue(server, c.step.Args["source"])
	},
	providers.VerbDrainQueue: func(l *Lab, server string, c call) error {
		return l.DrainQueue(server)
	},
	providers.VerbRestoreQueue: func(l *Lab, server string, c call) error {
		return l.RestoreOwnQueue(server)
	},
	providers.VerbRotateQueue: func(l *Lab, server string, c call) error {
		return l.RotateQueue(server)
	},
	providers.VerbRetryQueue: func(l *Lab, server string, c call) error {
		return l.RetryQueues(server, strings.Split(c.step.Args["queues"], ","))
	},
}
