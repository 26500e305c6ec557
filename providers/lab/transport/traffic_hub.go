package transport

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/store"
)

// sendState is what numbering a burst's messages needs, read once per
// burst: the messages still queued for each mailbox on any transport
// server, the messages each mailbox has sent out (queued or accepted),
// and each mailbox's home database.
type sendState struct {
	queued, sent map[string]int
	homes        map[string]string
}

func (l *Pipeline) newSendState(external bool) *sendState {
	st := &sendState{queued: map[string]int{}, sent: map[string]int{}, homes: map[string]string{}}
	for _, m := range l.QueuedMessages() {
		if IsExternal(m.Mailbox) {
			st.sent[senderOf(m.Subject)]++
		} else {
			st.queued[m.Mailbox]++
		}
	}
	if external {
		if out, err := l.SentOut(); err == nil {
			for _, subjects := range out {
				for s := range subjects {
					st.sent[senderOf(s)]++
				}
			}
		}
	}
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, m := range d.Mailboxes {
			st.homes[strings.ToLower(m.Alias)] = m.Database
		}
		return nil
	})
	return st
}

// sendVia sends a database's share of a traffic burst through a hub in
// its server's site. New messages are numbered after those the database
// holds and those still queued for it on any hub, so no subject repeats.
func (l *Pipeline) sendVia(id org.Identity, opts TrafficOptions, rep *TrafficReport, st *sendState) error {
	c, err := l.store.Database(id)
	if err != nil {
		rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %s", id, err))
		return nil
	}
	hub, why := l.acceptingHub(c.Server)
	if hub == "" {
		rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %s", id, why))
		return nil
	}
	have, err := l.itemCounts(c)
	if err != nil {
		rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: its database cannot be read, so the lab cannot number new mail (%v)", id, err))
		return nil
	}
	var msgs []store.Item
	var aliases []string
	external := 0
	for i := 1; i <= opts.Mailboxes; i++ {
		mb := MailboxName(c.DB.Name, i)
		if home, ok := st.homes[mb]; ok && !strings.EqualFold(home, string(id)) {
			continue // moved to another database: its mail follows it there
		}
		aliases = append(aliases, mb)
		for k := 0; k < opts.Items; k++ {
			seq := have[mb] + st.queued[mb] + 1
			have[mb]++
			msgs = append(msgs, message(opts.Seed, id, mb, seq, l.Now(), opts.Attachments))
		}
		for k := 0; k < opts.External; k++ {
			st.sent[mb]++
			msgs = append(msgs, externalMessage(opts.Seed, mb, st.sent[mb], l.Now()))
			external++
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	// The recipients exist before their mail arrives, so the categorizer
	// can route it.
	if err := l.homeMailboxes(aliases, id); err != nil {
		return err
	}
	q, err := l.QueueOf(hub)
	if err != nil {
		return err
	}
	n, err := l.Submit(q.server, msgs)
	if err != nil {
		return err
	}
	rep.Via[id] = hub
	if n > 0 {
		rep.Delivered[id] += n
	}
	if internal := len(msgs) - external; n < internal {
		rep.Queued[id] += internal - n
	}
	rep.External += external
	return nil
}

// acceptingHub picks, by name, the first Hub Transport server in a
// server's site whose transport runs and accepts mail.
func (l *Pipeline) acceptingHub(server string) (hub, why string) {
	var site string
	var candidates []string
	l.ViewDirectory(func(d *ad.Directory) error {
		if s := d.Server(server); s != nil {
			site = s.Site
		}
		for _, s := range d.Servers {
			if s.Roles.Has(org.RoleHubTransport) && strings.EqualFold(s.Site, site) {
				candidates = append(candidates, s.Name)
			}
		}
		return nil
	})
	slices.Sort(candidates)
	pressed := ""
	for _, name := range candidates {
		if l.Failed(name) {
			continue
		}
		if t, err := l.LoadService(name); err == nil && t != nil && t.Running && !t.NotAccepting {
			if bp, err := l.BackPressure(name); err == nil && bp != nil && bp.Level == "High" {
				pressed += fmt.Sprintf(" (%s refuses it under back pressure, 452 4.3.1 Insufficient system resources: its %s %s: is %.1f%% used, the high level %.1f%%)",
					name, bp.Resource(), bp.Drive, bp.UsedPercent, bp.HighPercent)
				continue
			}
			return name, ""
		}
	}
	return "", fmt.Sprintf("no Hub Transport server in site %q accepts mail%s", site, pressed)
}

// itemCounts counts a database's items per mailbox, mounted or not.
func (l *Pipeline) itemCounts(c *store.DB) (map[string]int, error) {
	return l.countItems(c, func(store.Item) bool { return true })
}

// countItems counts, per mailbox, the items of a database (mounted or
// not, its logged changes applied) that count says to.
func (l *Pipeline) countItems(c *store.DB, count func(store.Item) bool) (map[string]int, error) {
	mu := l.StreamLock(c.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	e, err := ese.OpenEDB(c.Path, false)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	v, err := store.LoadView(e, c.Stream, true)
	if err != nil {
		return nil, err
	}
	items, err := v.Items()
	if err != nil {
		return nil, err
	}
	have := map[string]int{}
	for _, it := range items {
		if count(it) {
			have[it.Mailbox]++
		}
	}
	return have, nil
}

// transportServers are the Hub and Edge Transport servers in the
// directory.
func (l *Pipeline) transportServers() []string {
	var out []string
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, s := range d.Servers {
			if s.Roles.Has(org.RoleHubTransport) || s.Roles.Has(org.RoleEdgeTransport) {
				out = append(out, s.Name)
			}
		}
		return nil
	})
	return out
}

// queuedMessages reads every message in a server's queue database, with
// the logged changes not yet in its pages.
func (l *Pipeline) queuedMessages(server string) ([]store.Item, error) {
	q, err := l.QueueOf(server)
	if err != nil {
		return nil, err
	}
	mu := l.StreamLock(q.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	e, err := ese.OpenEDB(q.Path, false)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	v, err := store.LoadView(e, q.Stream, true)
	if err != nil {
		return nil, err
	}
	return v.Items()
}

// QueuedMessage is a message waiting in a transport server's queue
// database.
type QueuedMessage struct {
	Server, Queue    string
	Mailbox, Subject string
	Time             time.Time
	// Dest is the mailbox database a message in a delivery queue is
	// routed to; empty before routing, or for another organization.
	Dest string
}

// QueuedMessages lists every message in every transport server's queue
// database whose disks exist (a failed machine's too), as a drill's
// inventory counts them. An unreadable queue database lists nothing: its
// messages cannot be reached.
func (l *Pipeline) QueuedMessages() []QueuedMessage {
	var out []QueuedMessage
	for _, srv := range l.transportServers() {
		msgs, err := l.queuedMessages(srv)
		if err != nil {
			continue
		}
		for _, m := range msgs {
			out = append(out, QueuedMessage{Server: srv, Queue: m.Queue, Mailbox: m.Mailbox, Subject: m.Subject, Time: m.Time, Dest: m.Dest})
		}
	}
	// And what the Internet's servers hold for Contoso, which they
	// retry: mail on its way as much as a queue's.
	held, _ := l.AtSenders()
	for _, m := range held {
		out = append(out, QueuedMessage{Server: "(Internet senders)", Queue: "retry", Mailbox: m.Mailbox, Subject: m.Subject, Time: m.Time})
	}
	return out
}
