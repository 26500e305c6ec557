package transport

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/exdr/exdr/internal/english"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/store"
)

// OfflineQueue runs an eseutil operation on a stopped server's mail.que.
func (l *Pipeline) OfflineQueue(server string, fn func(q *Queue) error) error {
	q, err := l.QueueOf(server)
	if err != nil {
		return err
	}
	if q.svc.Running {
		return fmt.Errorf("MSExchangeTransport is running on %s: stop it before working on %s", q.server, q.WinPath)
	}
	mu := l.StreamLock(q.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	return fn(q)
}

// RecoverQueue is soft recovery (eseutil /r trn): the trn logs replayed
// into mail.que, which turns clean. A missing log stops it.
func (l *Pipeline) RecoverQueue(q *Queue) error {
	e, err := ese.OpenEDB(q.Path, true)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", q.WinPath, err)
	}
	defer e.Close()
	if e.Hdr.State == org.StateClean {
		return nil
	}
	if err := l.flushQueue(q, e, org.StateClean); err != nil {
		return fmt.Errorf("soft recovery failed, %s stays in dirty shutdown: %w", QueueFile, err)
	}
	return nil
}

// queueFiles are the files of a queue database: mail.que, then trn.chk
// and the trn generations.
func queueFiles(q *Queue) []string {
	files := []string{q.Path, q.Stream.ChkPath()}
	if gens, err := q.Stream.Generations(); err == nil {
		for _, g := range gens {
			files = append(files, q.Stream.LogPath(g))
		}
	}
	return files
}

// AsideDir is a new exdr-aside folder in a queue folder.
func (l *Pipeline) AsideDir(q *Queue, what string) string {
	return filepath.Join(filepath.Dir(q.Path), "exdr-aside", l.Now().UTC().Format("20060102T150405.000000000Z")+"-"+what)
}

// TestHookAfterMove, when set by a test, runs after each rename of a
// queue database move, and after each group of files an import moves; an
// error it returns stops the move there, as a kill would.
var TestHookAfterMove func() error

// ImportQueue is queue database portability onto target: its transport
// stopped, its own queue database set aside, the source's mail.que and
// trn files moved into its queue folders (soft recovery if they are
// dirty), and its transport started to deliver them.
func (l *Pipeline) ImportQueue(target, source string) error {
	if source == "" {
		return fmt.Errorf("no source server given")
	}
	src, err := l.QueueOf(source)
	if err != nil {
		return err
	}
	if src.svc.Running {
		return fmt.Errorf("MSExchangeTransport runs on %s: its queue database is in use", src.server)
	}
	t, err := l.QueueOf(target)
	if err != nil {
		return err
	}
	if strings.EqualFold(t.svc.DrainingFrom, src.server) {
		// Imported already, or cut short after the target took the
		// source's name: what is left is finished.
		return l.finishImport(target, t, src)
	}
	if t.svc.DrainingFrom != "" {
		return fmt.Errorf("%s is draining %s's queue database already", t.server, t.svc.DrainingFrom)
	}
	if _, err := os.Stat(src.Path); err != nil {
		return fmt.Errorf("%s's %s: %w", src.server, src.WinPath, err)
	}
	if err := l.StopTransport(target); err != nil {
		return err
	}
	if t, err = l.QueueOf(target); err != nil {
		return err
	}
	own := l.AsideDir(t, "own")
	if err := disk.MoveFiles(queueFiles(t), own); err != nil {
		return err
	}
	t.svc.OwnAside, t.svc.DrainingFrom = own, src.server
	if err := l.SaveService(t.server, t.svc); err != nil {
		return err
	}
	return l.finishImport(target, t, src)
}

// finishImport moves what is still on the source's disks (all of it, or
// what a killed import left there) into the target's folders, recovers
// the queue database with its logs, and starts transport. A kill anywhere
// in it leaves files either moved or not, and the next import finishes
// from there; before, an import killed after the target took the source's
// name only started transport again, on a dirty mail.que that could then
// never be drained.
func (l *Pipeline) finishImport(target string, t, src *Queue) error {
	if t.svc.Running {
		return nil
	}
	logDir := t.Stream.Dir
	for _, m := range []struct {
		files []string
		to    string
	}{
		{present(src.Path), filepath.Dir(t.Path)},
		{present(queueFiles(src)[2:]...), logDir},
		{present(src.Stream.ChkPath()), logDir},
	} {
		if err := disk.MoveFiles(m.files, m.to); err != nil {
			return err
		}
		if TestHookAfterMove != nil && len(m.files) > 0 {
			if err := TestHookAfterMove(); err != nil {
				return err
			}
		}
	}
	if err := l.OfflineQueue(target, func(q *Queue) error { return l.RecoverQueue(q) }); err != nil {
		return err
	}
	return l.StartTransport(target)
}

// present is the files among paths that are there (a link counts: moving
// it refuses it by name).
func present(paths ...string) []string {
	var out []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// queued counts the messages left in a running server's queue database
// and names the first queue still holding some, with its last error.
func (l *Pipeline) queued(server string) (int, string, error) {
	q, err := l.QueueOf(server)
	if err != nil {
		return 0, "", err
	}
	n, first := 0, ""
	err = l.WithQueue(q, func(v *store.View) error {
		items, err := v.Items()
		if err != nil {
			return err
		}
		n = len(items)
		if n > 0 {
			name := items[0].Queue
			first = q.server + `\` + name
			if st := v.Cat.Queues[QueueKey(name)]; st != nil && st.LastError != "" {
				first += " (" + st.LastError + ")"
			}
		}
		return nil
	})
	return n, first, err
}

// deliverAll retries every queue of a running server and reports what
// stays undelivered.
func (l *Pipeline) deliverAll(server string) error {
	q, err := l.QueueOf(server)
	if err != nil {
		return err
	}
	// Every queue, the Unreachable one resubmitted.
	if _, err := l.runQueues(q, map[string]bool{allQueuesKey: true, QueueKey(Unreachable): true}); err != nil {
		return err
	}
	n, first, err := l.queued(server)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%s still queued on %s, first in %s: make %s mountable, then run again", stillQueued(n), q.server, first, agree(n, "its database", "their databases"))
	}
	return nil
}

// DrainQueue waits for an imported queue database to empty.
func (l *Pipeline) DrainQueue(target string) error {
	t, err := l.QueueOf(target)
	if err != nil {
		return err
	}
	if t.svc.DrainingFrom == "" {
		return nil // drained and restored already
	}
	if err := l.StartTransport(target); err != nil {
		return err
	}
	return l.deliverAll(target)
}

// RestoreOwnQueue ends a drain: the drained queue database is set aside,
// the target's own put back and its transport started. It refuses while
// the drained one holds mail.
func (l *Pipeline) RestoreOwnQueue(target string) error {
	t, err := l.QueueOf(target)
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
			return fmt.Errorf("the queue database from %s still holds %s, first in %s: drain it first", t.svc.DrainingFrom, plural(n, "message"), first)
		}
	}
	if err := l.StopTransport(target); err != nil {
		return err
	}
	if t, err = l.QueueOf(target); err != nil {
		return err
	}
	if err := disk.MoveFiles(queueFiles(t), l.AsideDir(t, "drained-from-"+t.svc.DrainingFrom)); err != nil {
		return err
	}
	own := t.svc.OwnAside
	entries, err := os.ReadDir(own)
	if err != nil {
		return fmt.Errorf("its own queue database, set aside in %s: %w", own, err)
	}
	for _, e := range entries {
		dst := t.Stream.Dir
		if e.Name() == QueueFile {
			dst = filepath.Dir(t.Path)
		}
		if err := disk.MoveFiles([]string{filepath.Join(own, e.Name())}, dst); err != nil {
			return err
		}
	}
	t.svc.OwnAside, t.svc.DrainingFrom = "", ""
	if err := l.SaveService(t.server, t.svc); err != nil {
		return err
	}
	return l.StartTransport(target)
}

// RotateQueue drains a server's queues with its Receive connectors
// disabled, then sets the emptied mail.que aside and starts with a new
// one. It refuses, accepting mail again, when something stays queued.
func (l *Pipeline) RotateQueue(server string) error {
	q, err := l.QueueOf(server)
	if err != nil {
		return err
	}
	q.svc.NotAccepting = true
	if err := l.SaveService(q.server, q.svc); err != nil {
		return err
	}
	if err := l.deliverAll(server); err != nil {
		q.svc.NotAccepting = false
		l.SaveService(q.server, q.svc)
		return err
	}
	if err := l.StopTransport(server); err != nil {
		return err
	}
	if q, err = l.QueueOf(server); err != nil {
		return err
	}
	if err := disk.MoveFiles(queueFiles(q), l.AsideDir(q, "rotated")); err != nil {
		return err
	}
	q.svc.NotAccepting = false
	if err := l.SaveService(q.server, q.svc); err != nil {
		return err
	}
	return l.StartTransport(server)
}

// RetryQueues is Retry-Queue on each named queue (-Resubmit $true for
// Unreachable). The step fails when a queue still holds mail for a
// mounted database after it: the cause has not gone. Mail for a database
// that is not mounted waits, as it would.
func (l *Pipeline) RetryQueues(server string, names []string) error {
	q, err := l.QueueOf(server)
	if err != nil {
		return err
	}
	force := map[string]bool{}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			force[QueueKey(n)] = true
		}
	}
	if _, err := l.runQueues(q, force); err != nil {
		return err
	}
	var stuck []string
	err = l.WithQueue(q, func(v *store.View) error {
		items, err := v.Items()
		for _, it := range items {
			if force[QueueKey(it.Queue)] && (it.Dest == "" || l.isMounted(org.Identity(it.Dest))) {
				stuck = append(stuck, it.Queue)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(stuck) > 0 {
		return fmt.Errorf("%s still queued after the retry, first in %s\\%s", stillQueued(len(stuck)), q.server, stuck[0])
	}
	return nil
}

// isMounted reports whether the store has a database mounted now.
func (l *Pipeline) isMounted(id org.Identity) bool {
	c, err := l.store.Database(id)
	return err == nil && l.store.Mounted(c)
}

// RecoverQueueOffline is soft recovery of a stopped server's mail.que.
func (l *Pipeline) RecoverQueueOffline(server string) error {
	return l.OfflineQueue(server, func(q *Queue) error { return l.RecoverQueue(q) })
}

// RepairQueue is eseutil /p on a stopped server's mail.que.
func (l *Pipeline) RepairQueue(ctx context.Context, server string, progress providers.Progress) error {
	return l.OfflineQueue(server, func(q *Queue) error {
		if err := l.store.RepairFile(ctx, q.Target(), progress); err != nil {
			return err
		}
		// The repaired mail.que needs no log, and the old trn logs (the
		// damaged one among them) would stop the service's start: they
		// are set aside, kept, and the stream goes on at the next
		// generation (never back to 1: pages and the attach position
		// carry log positions that must stay older than new ones).
		return ese.SetAsideGenerations(q.Stream, l.AsideDir(q, "repaired-logs"))
	})
}

// DefragmentQueue is eseutil /d on a stopped server's mail.que.
func (l *Pipeline) DefragmentQueue(ctx context.Context, server string, progress providers.Progress) error {
	return l.OfflineQueue(server, func(q *Queue) error { return l.store.DefragmentFile(ctx, q.Target(), progress) })
}

// plural writes a count with its noun, agreeing in number: "1 message",
// "2 messages".
func plural(n int, word string) string { return english.Plural(n, word) }

// agree is the words that agree with a count: one, or many.
func agree(n int, one, many string) string { return english.Agree(n, one, many) }

// stillQueued is "1 message is" or "N messages are".
func stillQueued(n int) string {
	return plural(n, "message") + " " + agree(n, "is", "are")
}
