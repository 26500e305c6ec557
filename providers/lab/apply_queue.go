package lab

import (
	"context"
	"fmt"
	"strings"

	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ese"
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
		return fmt.Errorf("%s %s: %w", step.Verb, queueIdentity(server), err)
	}
	return nil
}

// queueVerbs are the lab's implementation of each verb on a transport
// server's queue database (server is the queue's server).
var queueVerbs = map[providers.Verb]func(l *Lab, server string, c call) error{
	providers.VerbStopTransport: func(l *Lab, server string, c call) error {
		return l.stopTransport(server)
	},
	providers.VerbStartTransport: func(l *Lab, server string, c call) error {
		return l.startTransport(server)
	},
	providers.VerbReplayLogs: func(l *Lab, server string, c call) error {
		return l.offlineQueue(server, func(q *queueContext) error { return l.recoverQueue(q) })
	},
	providers.VerbRepairDatabase: func(l *Lab, server string, c call) error {
		return l.offlineQueue(server, func(q *queueContext) error {
			if err := l.RepairFile(c.ctx, q.target(), c.progress); err != nil {
				return err
			}
			// The repaired mail.que needs no log, and the old trn logs (the
			// damaged one among them) would stop the service's start: they
			// are set aside, kept, and the stream goes on at the next
			// generation (never back to 1: pages and the attach position
			// carry log positions that must stay older than new ones).
			return ese.SetAsideGenerations(q.stream, l.asideDir(q, "repaired-logs"))
		})
	},
	providers.VerbDefragment: func(l *Lab, server string, c call) error {
		return l.offlineQueue(server, func(q *queueContext) error { return l.DefragmentFile(c.ctx, q.target(), c.progress) })
	},
	providers.VerbMoveQueueDatabase: func(l *Lab, server string, c call) error {
		return l.moveQueueDatabase(server, c.step.Args["path"], c.step.Args["logging_path"])
	},
	providers.VerbImportQueue: func(l *Lab, server string, c call) error {
		return l.importQueue(server, c.step.Args["source"])
	},
	providers.VerbDrainQueue: func(l *Lab, server string, c call) error {
		return l.drainQueue(server)
	},
	providers.VerbRestoreQueue: func(l *Lab, server string, c call) error {
		return l.restoreOwnQueue(server)
	},
	providers.VerbRotateQueue: func(l *Lab, server string, c call) error {
		return l.rotateQueue(server)
	},
	providers.VerbRetryQueue: func(l *Lab, server string, c call) error {
		return l.retryQueues(server, strings.Split(c.step.Args["queues"], ","))
	},
}
