package transport

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/store"
)

// StartTransport starts MSExchangeTransport: it attaches mail.que,
// creating an empty one when there is none, and delivers what is queued.
// A dirty or damaged mail.que stops it, as the service would fail to
// start: soft recovery or repair comes first.
func (l *Pipeline) StartTransport(server string) error {
	if l.Failed(server) {
		return fmt.Errorf("server %s has failed: nothing on it starts until it is rebuilt", server)
	}
	if err := l.ensureTransport(server); err != nil {
		return err
	}
	q, err := l.QueueOf(server)
	if err != nil {
		return err
	}
	if q.svc.MovingTo != "" {
		// Started now, it would begin a new, empty mail.que in one folder
		// while the queued mail sits in the other.
		return fmt.Errorf("the move of %s's queue database to %s is unfinished: exdr apply finishes it (move_queue_database) and starts the service", q.server, q.svc.MovingTo)
	}
	if err := l.attachQueue(q); err != nil {
		return err
	}
	// Retry times live in the service's memory: a service that starts
	// tries every queue at once.
	_, err = l.runQueues(q, allQueues)
	return err
}

func (l *Pipeline) attachQueue(q *Queue) error {
	mu := l.StreamLock(q.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	e, err := ese.OpenEDB(q.Path, true)
	if errors.Is(err, os.ErrNotExist) {
		if err := l.createQueueDatabase(q); err != nil {
			return fmt.Errorf("create %s: %w", q.WinPath, err)
		}
		e, err = ese.OpenEDB(q.Path, true)
	}
	if err != nil {
		return fmt.Errorf("%s cannot be attached: %w: repair it (eseutil /p) or set it aside", q.WinPath, err)
	}
	defer e.Close()
	if q.svc.Running && e.Hdr.State == org.StateDirty {
		return nil // running already
	}
	if e.Hdr.State == org.StateDirty {
		return fmt.Errorf("%s is in dirty shutdown (trn logs %d and later required): run soft recovery (eseutil /r trn) first", q.WinPath, e.Hdr.LogRequired.Low)
	}
	if bad, err := e.Scan(); err != nil {
		return err
	} else if len(bad) == 1 {
		return fmt.Errorf("%s: page %d fails its checksum (JET -1018): repair it (eseutil /p) first", q.WinPath, bad[0])
	} else if len(bad) > 0 {
		return fmt.Errorf("%s: %d pages fail their checksums (JET -1018, first page %d): repair it (eseutil /p) first", q.WinPath, len(bad), bad[0])
	}
	cur, err := q.Stream.EnsureCurrent()
	if err != nil {
		return err
	}
	_, end, err := q.Stream.ReadGeneration(cur)
	if err != nil {
		return err
	}
	e.Hdr.State, e.Hdr.LogRequired, e.Hdr.AttachLSN = org.StateDirty, org.LogRange{Low: cur, High: cur}, ese.MakeLSN(cur, end)
	if err := e.WriteHeader(); err != nil {
		return err
	}
	q.svc.Running = true
	return l.SaveService(q.server, q.svc)
}

// StopTransport stops MSExchangeTransport cleanly: the logged changes
// reach mail.que, whose header turns clean, and the queue database's
// circular logging lets the older generations go.
func (l *Pipeline) StopTransport(server string) error {
	q, err := l.QueueOf(server)
	if err != nil {
		return err
	}
	if !q.svc.Running {
		return nil
	}
	mu := l.StreamLock(q.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	if e, err := ese.OpenEDB(q.Path, true); err == nil {
		err := l.flushQueue(q, e, org.StateClean)
		e.Close()
		if err != nil && !errors.Is(err, ese.ErrCorruptLog) && !errors.Is(err, os.ErrNotExist) && !strings.Contains(err.Error(), "is missing") {
			return err
		}
		// A trn generation it needs cannot be read: the service stops
		// without writing those changes, leaving mail.que in dirty
		// shutdown for the repair the plan makes.
	}
	q.svc.Running = false
	return l.SaveService(q.server, q.svc)
}

// flushQueue writes the logged changes into mail.que, sets its state and
// moves the checkpoint to the current generation, deleting the older ones
// (the queue database always logs circularly).
func (l *Pipeline) flushQueue(q *Queue, e *ese.File, state org.ShutdownState) error {
	if _, err := ese.ReplayInto(context.Background(), e, q.Stream, nil); err != nil {
		return err
	}
	cur, err := q.Stream.Current()
	if err != nil {
		return err
	}
	e.Hdr.State, e.Hdr.LogRequired = state, org.LogRange{}
	if state == org.StateDirty {
		e.Hdr.LogRequired = org.LogRange{Low: cur, High: cur}
	}
	if err := e.WriteHeader(); err != nil {
		return err
	}
	if err := e.Handle.Sync(); err != nil {
		return err
	}
	if err := q.Stream.SetCheckpoint(cur); err != nil {
		return err
	}
	gens, err := q.Stream.Generations()
	if err != nil {
		return err
	}
	for _, g := range gens {
		if g < cur {
			if err := os.Remove(q.Stream.LogPath(g)); err != nil {
				return err
			}
		}
	}
	return nil
}

// WithQueue runs fn on a running server's queue database, with the
// logged changes overlaid, and logs what fn changed.
func (l *Pipeline) WithQueue(q *Queue, fn func(v *store.View) error) error {
	if !q.svc.Running {
		return fmt.Errorf("MSExchangeTransport is not running on %s", q.server)
	}
	mu := l.StreamLock(q.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	e, err := ese.OpenEDB(q.Path, true)
	if err != nil {
		return fmt.Errorf("%s: %w", q.WinPath, err)
	}
	defer e.Close()
	v, err := store.LoadView(e, q.Stream, true)
	if err != nil {
		return fmt.Errorf("%s: %w", q.WinPath, err)
	}
	if v.Cat.Queues == nil {
		v.Cat.Queues = map[string]*store.QueueState{}
	}
	if err := fn(v); err != nil {
		return err
	}
	if err := v.Commit(q.Stream); err != nil {
		return err
	}
	if cur, err := q.Stream.Current(); err == nil && cur-e.Hdr.LogRequired.Low >= store.CheckpointDepth {
		return l.flushQueue(q, e, org.StateDirty)
	}
	return nil
}

// Submit puts messages in a server's Submission queue and lets transport
// route and deliver them.
func (l *Pipeline) Submit(server string, msgs []store.Item) (delivered int, err error) {
	q, err := l.QueueOf(server)
	if err != nil {
		return 0, err
	}
	if q.svc.NotAccepting {
		return 0, fmt.Errorf("%s does not accept mail: its queues are draining", server)
	}
	err = l.WithQueue(q, func(v *store.View) error {
		for _, m := range msgs {
			m.ID, m.Queue = 0, Submission
			if err := v.Deliver(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return l.runQueues(q, nil)
}

// runQueues is transport at work: the categorizer routes what waits in
// Submission (and, when resubmit is asked, in Unreachable) to the
// delivery queue of the recipient's Mailbox server, or, for another
// organization, to the subscribed Edge or the recipient's domain; each
// queue not suspended, nor waiting out a retry, delivers into the
// mailbox databases or relays. A database that is not mounted, or a next
// hop that does not answer, puts its queue in Retry, the messages kept.
// retry names the queues Retry-Queue forces. It returns how many
// messages reached a mailbox database.
// Long on purpose: one pass over the queues, in which each message is
// delivered, relayed or kept, and the queue's state follows.
func (l *Pipeline) runQueues(q *Queue, retry map[string]bool) (delivered int, err error) {
	force := func(name string) bool {
		return retry != nil && (retry[QueueKey(name)] || retry[allQueuesKey])
	}
	if !q.svc.Running {
		return 0, nil
	}
	homes := map[string]org.Identity{} // alias -> database
	servers := map[string]string{}     // database -> its server
	inboundSite := ""                  // an Edge's: where its hubs are
	l.ViewDirectory(func(d *ad.Directory) error {
		if s := d.Server(q.server); s != nil && s.Roles.Has(org.RoleEdgeTransport) {
			inboundSite = "?"
			for _, sub := range d.EdgeSubscriptions {
				if strings.EqualFold(sub.Edge, q.server) {
					inboundSite = sub.Site
				}
			}
		}
		for _, db := range d.Databases {
			if db.RecoveryOf == "" {
				if sg := d.StorageGroup(org.Identity(db.StorageGroup)); sg != nil {
					servers[db.Identity().Key()] = sg.Server
				}
			}
		}
		for _, m := range d.Mailboxes {
			homes[strings.ToLower(m.Alias)] = org.Identity(m.Database)
		}
		return nil
	})
	now := l.Now()
	err = l.WithQueue(q, func(v *store.View) error {
		resubmit := retry != nil && retry[QueueKey(Unreachable)]
		v.Rewrite(func(it *store.Item) bool {
			if IsDeliveryQueue(it.Queue) && DeliveryType(it.Queue) == "MapiDelivery" && it.Dest != "" && !IsExternal(it.Mailbox) {
				// The recipient's mailbox was re-homed while the message
				// waited (Move-Mailbox -ConfigurationOnly, a failback):
				// the store of the old database refuses it, and it is
				// routed again to where the mailbox is now.
				if db := homes[strings.ToLower(it.Mailbox)]; db != "" && db.Key() != org.Identity(it.Dest).Key() {
					if srv := servers[db.Key()]; srv != "" {
						it.Queue, it.Dest = srv, string(db)
					}
				}
				return true
			}
			if it.Queue != Submission && (it.Queue != Unreachable || !resubmit) {
				return true
			}
			if IsExternal(it.Mailbox) {
				it.Queue, it.Dest = l.routeExternal(q.server, it.Mailbox)
				return true
			}
			if inboundSite != "" {
				// An Edge delivers to no mailbox: it relays to the hubs
				// of the site it is subscribed to.
				it.Queue, it.Dest = InboundQueuePrefix+inboundSite, inboundSite
				return true
			}
			db := homes[strings.ToLower(it.Mailbox)]
			if srv := servers[db.Key()]; srv != "" {
				it.Queue, it.Dest = srv, string(db)
			} else {
				it.Queue, it.Dest = Unreachable, ""
			}
			return true
		})
		items, err := v.Items()
		if err != nil {
			return err
		}
		byQueue := map[string]map[string][]store.Item{}
		for _, it := range items {
			if !IsDeliveryQueue(it.Queue) {
				continue
			}
			if byQueue[it.Queue] == nil {
				byQueue[it.Queue] = map[string][]store.Item{}
			}
			byQueue[it.Queue][it.Dest] = append(byQueue[it.Queue][it.Dest], it)
		}
		done := map[uint64]bool{}
		for _, name := range slices.Sorted(maps.Keys(byQueue)) {
			st := v.Cat.Queues[QueueKey(name)]
			if st != nil && st.Status == "Suspended" {
				continue
			}
			due := st == nil || !now.Before(st.NextRetry) || force(name)
			next := &store.QueueState{Status: "Retry", NextRetry: now.Add(RetryInterval).UTC()}
			for _, dest := range slices.Sorted(maps.Keys(byQueue[name])) {
				if !due && slices.ContainsFunc(st.Waiting, func(w string) bool { return strings.EqualFold(w, dest) }) {
					next.Waiting, next.LastError, next.NextRetry = append(next.Waiting, dest), st.LastError, st.NextRetry
					continue
				}
				msgs := byQueue[name][dest]
				mapi := DeliveryType(name) == "MapiDelivery"
				var err error
				relayed := 0
				if mapi {
					err = l.deliverItems(org.Identity(dest), msgs)
				} else {
					relayed, err = l.relay(name, dest, msgs)
				}
				if err != nil {
					switch {
					case !mapi:
						next.LastError = err.Error()
					case errors.Is(err, store.ErrNotMounted):
						next.LastError = StoreOffline
					default:
						next.LastError = "451 4.4.0 " + err.Error()
					}
					next.Waiting = append(next.Waiting, dest)
					continue
				}
				for _, m := range msgs {
					done[m.ID] = true
				}
				if mapi {
					delivered += len(msgs)
				}
				delivered += relayed
			}
			if len(next.Waiting) > 0 {
				v.Cat.Queues[QueueKey(name)] = next
			} else {
				delete(v.Cat.Queues, QueueKey(name))
			}
			v.Changed[1] = true
		}
		unreachable := false
		v.Rewrite(func(it *store.Item) bool {
			unreachable = unreachable || it.Queue == Unreachable && !done[it.ID]
			return !done[it.ID]
		})
		if unreachable {
			v.Cat.Queues[QueueKey(Unreachable)] = &store.QueueState{Status: "Retry", LastError: "550 5.1.1 no mailbox database holds the recipient", NextRetry: now.Add(RetryInterval).UTC()}
			v.Changed[1] = true
		} else if _, ok := v.Cat.Queues[QueueKey(Unreachable)]; ok {
			delete(v.Cat.Queues, QueueKey(Unreachable))
			v.Changed[1] = true
		}
		return nil
	})
	return delivered, err
}

// deliverItems is the store driver handing messages to a mounted mailbox
// database: each becomes an item in its recipient's Inbox, logged first.
// A message its recipient already has is discarded, as the store's
// duplicate detection discards it: Exchange keeps a DeliveredTo table of
// each delivery's Internet Message ID and client submit time, seven days
// by default ("How to Configure Duplicate Message Detection in Exchange
// 2007", https://docs.microsoft.com/en-us/previous-versions/office/exchange-server-2007/dd577073(v=exchg.80)).
// Transport takes a message off its queue only after the store has it,
// so a crash between the two delivers it again when transport restarts;
// the store's check is what keeps that from leaving two copies. The lab's
// messages carry no Message ID: the recipient, sender, subject, body,
// attachments and submit time stand for it, and the table is the items
// the recipient still has (in the dumpster too).
func (l *Pipeline) deliverItems(id org.Identity, msgs []store.Item) error {
	return l.store.WithMountedView(id, func(v *store.View, _ time.Time) error {
		have := deliveredTo(v, msgs)
		for _, m := range msgs {
			k := deliveryOf(m)
			if have[k] {
				continue
			}
			have[k] = true
			m.ID, m.Queue, m.Dest = 0, "", ""
			v.AddMailbox(m.Mailbox)
			if err := v.Deliver(m); err != nil {
				return err
			}
		}
		return nil
	})
}

// delivery is what tells one message from another for a recipient.
type delivery struct {
	mailbox, from, subject, body, attachments string
	submitted                                 int64
}

func deliveryOf(it store.Item) delivery {
	return delivery{strings.ToLower(it.Mailbox), it.From, it.Subject, it.Body, it.Attachments, it.Time.UnixNano()}
}

// deliveredTo is the deliveries v's recipients among msgs already hold.
// An item that cannot be read is passed over: it cannot be a copy.
func deliveredTo(v *store.View, msgs []store.Item) map[delivery]bool {
	to := map[string]bool{}
	for _, m := range msgs {
		to[strings.ToLower(m.Mailbox)] = true
	}
	have := map[delivery]bool{}
	v.EachItem(func(it store.Item) {
		if to[strings.ToLower(it.Mailbox)] {
			have[deliveryOf(it)] = true
		}
	})
	return have
}

// allQueues, passed as runQueues's retry, tries every delivery queue
// (not Unreachable: resubmitting it is Retry-Queue's own choice).
const allQueuesKey = "*"

var allQueues = map[string]bool{allQueuesKey: true}
