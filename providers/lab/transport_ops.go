package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/store"
	"github.com/exdr/exdr/providers/lab/transport"
)

// offlineQueue runs an eseutil operation on a stopped server's mail.que.
func (l *Transport) offlineQueue(server string, fn func(q *queueContext) error) error {
	q, err := l.queue(server)
	if err != nil {
		return err
	}
	if q.svc.Running {
		return fmt.Errorf("MSExchangeTransport is running on %s: stop it before working on %s", q.server, q.winPath)
	}
	mu := l.StreamLock(q.stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	return fn(q)
}

// recoverQueue is soft recovery (eseutil /r trn): the trn logs replayed
// into mail.que, which turns clean. A missing log stops it.
func (l *Transport) recoverQueue(q *queueContext) error {
	e, err := ese.OpenEDB(q.path, true)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", q.winPath, err)
	}
	defer e.Close()
	if e.Hdr.State == org.StateClean {
		return nil
	}
	if err := l.flushQueue(q, e, org.StateClean); err != nil {
		return fmt.Errorf("soft recovery failed, %s stays in dirty shutdown: %w", transport.QueueFile, err)
	}
	return nil
}

// queueFiles are the files of a queue database: mail.que, then trn.chk
// and the trn generations.
func queueFiles(q *queueContext) []string {
	files := []string{q.path, q.stream.ChkPath()}
	if gens, err := q.stream.Generations(); err == nil {
		for _, g := range gens {
			files = append(files, q.stream.LogPath(g))
		}
	}
	return files
}

// asideDir is a new exdr-aside folder in a queue folder.
func (l *Transport) asideDir(q *queueContext, what string) string {
	return filepath.Join(filepath.Dir(q.path), "exdr-aside", l.Now().UTC().Format("20060102T150405.000000000Z")+"-"+what)
}

// testHookAfterMove, when set by a test, runs after each rename of a
// queue database move; an error it returns stops the move there, as a
// kill would.
var testHookAfterMove func() error

// importQueue is queue database portability onto target: its transport
// stopped, its own queue database set aside, the source's mail.que and
// trn files moved into its queue folders (soft recovery if they are
// dirty), and its transport started to deliver them.
func (l *Transport) importQueue(target, source string) error {
	if source == "" {
		return fmt.Errorf("no source server given")
	}
	src, err := l.queue(source)
	if err != nil {
		return err
	}
	if src.svc.Running {
		return fmt.Errorf("MSExchangeTransport runs on %s: its queue database is in use", src.server)
	}
	t, err := l.queue(target)
	if err != nil {
		return err
	}
	if strings.EqualFold(t.svc.DrainingFrom, src.server) {
		return l.startTransport(target) // imported already
	}
	if t.svc.DrainingFrom != "" {
		return fmt.Errorf("%s is draining %s's queue database already", t.server, t.svc.DrainingFrom)
	}
	if _, err := os.Stat(src.path); err != nil {
		return fmt.Errorf("%s's %s: %w", src.server, src.winPath, err)
	}
	if err := l.stopTransport(target); err != nil {
		return err
	}
	if t, err = l.queue(target); err != nil {
		return err
	}
	own := l.asideDir(t, "own")
	if err := disk.MoveFiles(queueFiles(t), own); err != nil {
		return err
	}
	t.svc.OwnAside, t.svc.DrainingFrom = own, src.server
	if err := l.saveTransport(t.server, t.svc); err != nil {
		return err
	}
	logDir := t.stream.Dir
	if err := disk.MoveFiles([]string{src.path}, filepath.Dir(t.path)); err != nil {
		return err
	}
	if err := disk.MoveFiles(queueFiles(src)[2:], logDir); err != nil {
		return err
	}
	if err := disk.MoveFiles([]string{src.stream.ChkPath()}, logDir); err != nil {
		return err
	}
	if t, err = l.queue(target); err != nil {
		return err
	}
	if err := l.offlineQueue(target, func(q *queueContext) error { return l.recoverQueue(q) }); err != nil {
		return err
	}
	return l.startTransport(target)
}

// queued counts the messages left in a running server's queue database
// and names the first queue still holding some, with its last error.
func (l *Transport) queued(server string) (int, string, error) {
	q, err := l.queue(server)
	if err != nil {
		return 0, "", err
	}
	n, first := 0, ""
	err = l.withQueue(q, func(v *store.View) error {
		items, err := v.Items()
		if err != nil {
			return err
		}
		n = len(items)
		if n > 0 {
			name := items[0].Queue
			first = q.server + `\` + name
			if st := v.Cat.Queues[transport.QueueKey(name)]; st != nil && st.LastError != "" {
				first += " (" + st.LastError + ")"
			}
		}
		return nil
	})
	return n, first, err
}

// deliverAll retries every queue of a running server and reports what
// stays undelivered.
func (l *Transport) deliverAll(server string) error {
	q, err := l.queue(server)
	if err != nil {
		return err
	}
	// Every queue, the Unreachable one resubmitted.
	if _, err := l.runQueues(q, map[string]bool{allQueuesKey: true, transport.QueueKey(transport.Unreachable): true}); err != nil {
		return err
	}
	n, first, err := l.queued(server)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%d messages are still queued on %s, first in %s: make their databases mountable, then run again", n, q.server, first)
	}
	return nil
}

// drainQueue waits for an imported queue database to empty.
func (l *Transport) drainQueue(target string) error {
	t, err := l.queue(target)
	if err != nil {
		return err
	}
	if t.svc.DrainingFrom == "" {
		return nil // drained and restored already
	}
	if err := l.startTransport(target); err != nil {
		return err
	}
	return l.deliverAll(target)
}

// restoreOwnQueue ends a drain: the drained queue database is set aside,
// the target's own put back and its transport started. It refuses while
// the drained one holds mail.
func (l *Transport) restoreOwnQueue(target string) error {
	t, err := l.queue(target)
	if err != nil {
		return err
	}
	if t.svc.DrainingFrom == "" {
		return nil
	}
	if t.svc.Running {
		if n, first, err := l.queued(target); err != nil {
			return err
		} else if n > 0 {
			return fmt.Errorf("the queue database from %s still holds %d messages, first in %s: drain it first", t.svc.DrainingFrom, n, first)
		}
	}
	if err := l.stopTransport(target); err != nil {
		return err
	}
	if t, err = l.queue(target); err != nil {
		return err
	}
	if err := disk.MoveFiles(queueFiles(t), l.asideDir(t, "drained-from-"+t.svc.DrainingFrom)); err != nil {
		return err
	}
	own := t.svc.OwnAside
	entries, err := os.ReadDir(own)
	if err != nil {
		return fmt.Errorf("its own queue database, set aside in %s: %w", own, err)
	}
	for _, e := range entries {
		dst := t.stream.Dir
		if e.Name() == transport.QueueFile {
			dst = filepath.Dir(t.path)
		}
		if err := disk.MoveFiles([]string{filepath.Join(own, e.Name())}, dst); err != nil {
			return err
		}
	}
	t.svc.OwnAside, t.svc.DrainingFrom = "", ""
	if err := l.saveTransport(t.server, t.svc); err != nil {
		return err
	}
	return l.startTransport(target)
}

// rotateQueue drains a server's queues with its Receive connectors
// disabled, then sets the emptied mail.que aside and starts with a new
// one. It refuses, accepting mail again, when something stays queued.
func (l *Transport) rotateQueue(server string) error {
	q, err := l.queue(server)
	if err != nil {
		return err
	}
	q.svc.NotAccepting = true
	if err := l.saveTransport(q.server, q.svc); err != nil {
		return err
	}
	if err := l.deliverAll(server); err != nil {
		q.svc.NotAccepting = false
		l.saveTransport(q.server, q.svc)
		return err
	}
	if err := l.stopTransport(server); err != nil {
		return err
	}
	if q, err = l.queue(server); err != nil {
		return err
	}
	if err := disk.MoveFiles(queueFiles(q), l.asideDir(q, "rotated")); err != nil {
		return err
	}
	q.svc.NotAccepting = false
	if err := l.saveTransport(q.server, q.svc); err != nil {
		return err
	}
	return l.startTransport(server)
}

// retryQueues is Retry-Queue on each named queue (-Resubmit $true for
// Unreachable). The step fails when a queue still holds mail for a
// mounted database after it: the cause has not gone. Mail for a database
// that is not mounted waits, as it would.
func (l *Transport) retryQueues(server string, names []string) error {
	q, err := l.queue(server)
	if err != nil {
		return err
	}
	force := map[string]bool{}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			force[transport.QueueKey(n)] = true
		}
	}
	if _, err := l.runQueues(q, force); err != nil {
		return err
	}
	var stuck []string
	err = l.withQueue(q, func(v *store.View) error {
		items, err := v.Items()
		for _, it := range items {
			if force[transport.QueueKey(it.Queue)] && (it.Dest == "" || l.isMounted(org.Identity(it.Dest))) {
				stuck = append(stuck, it.Queue)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(stuck) > 0 {
		return fmt.Errorf("%d messages are still queued after the retry, first in %s\\%s", len(stuck), q.server, stuck[0])
	}
	return nil
}

// isMounted reports whether the store has a database mounted now.
func (l *Transport) isMounted(id org.Identity) bool {
	c, err := l.store.Database(id)
	return err == nil && l.store.Mounted(c)
}
