package transport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/internal/atomicfile"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/store"
)

// Mail from the Internet. Other organizations' servers hand Contoso's
// mail to its MX: the Edge Transport servers subscribed to a site, or,
// with none, the Hub Transport servers. The Edge queues it for a hub of
// its subscribed site ("EdgeSync - Inbound to SITE"), which delivers it
// to the mailbox's database. When no MX accepts (the Edge lost, its
// transport stopped, back pressure at medium or high, which refuses mail
// from outside the organization), the message waits on the sender's
// server, which retries: SMTP senders keep a message for days (RFC 5321
// 4.5.4.1 suggests at least 4-5). The lab plays those servers: what they
// hold is in internet/senders/queue.jsonl, retried as lab time passes
// (exdr lab clock), at each exdr lab traffic, and when a drill's
// recovery is done.

// InboundQueuePrefix names an Edge server's queue to the hubs of the
// site it is subscribed to: the "EdgeSync - Inbound to SITE" Send
// connector's queue.
const InboundQueuePrefix = "EdgeSync - Inbound to "

// sendersQueue is where the Internet's servers keep what no MX accepted.
func (l *Pipeline) sendersQueue() string {
	return filepath.Join(l.Root(), internetDir, "senders", "queue.jsonl")
}

// inboundMessage is the seq-th message from the Internet to a mailbox:
// the same arguments give the same message.
func inboundMessage(seed uint64, recipient string, seq int, now time.Time) store.Item {
	h := fnv.New64a()
	fmt.Fprintf(h, "in|%s|%d", recipient, seq)
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	body := make([]string, 20+rng.IntN(20))
	for i := range body {
		body[i] = words[rng.IntN(len(words))]
	}
	return store.Item{
		Mailbox: recipient,
		Folder:  "Inbox",
		Subject: fmt.Sprintf("Inbound %d to %s", seq, recipient),
		From:    fmt.Sprintf("partner%02d@%s", rng.IntN(10), externalDomains[rng.IntN(len(externalDomains))]),
		Time:    now.UTC(),
		Body:    strings.Join(body, " "),
	}
}

// mx lists the servers the Internet hands Contoso's mail to, in the
// order it tries them: the subscribed Edge servers, or with none the
// hubs, by name.
func (l *Pipeline) mx() []string {
	var edges, hubs []string
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, sub := range d.EdgeSubscriptions {
			if !slices.Contains(edges, sub.Edge) {
				edges = append(edges, sub.Edge)
			}
		}
		for _, s := range d.Servers {
			if s.Roles.Has(org.RoleHubTransport) {
				hubs = append(hubs, s.Name)
			}
		}
		return nil
	})
	slices.Sort(edges)
	slices.Sort(hubs)
	if len(edges) > 0 {
		return edges
	}
	return hubs
}

// acceptInbound offers messages from the Internet to each MX in turn;
// the first that accepts takes them all. It returns who took them, or
// why none did.
func (l *Pipeline) acceptInbound(msgs []store.Item) (by, why string, err error) {
	var refusals []string
	for _, srv := range l.mx() {
		if !l.MachineUp(srv) {
			refusals = append(refusals, srv+": "+edgeUnreachable)
			continue
		}
		svc, err := l.LoadService(srv)
		if err != nil || svc == nil || !svc.Running {
			refusals = append(refusals, srv+": "+edgeUnreachable)
			continue
		}
		if svc.NotAccepting {
			refusals = append(refusals, srv+": 421 4.3.2 Service not available (its Receive connectors are disabled)")
			continue
		}
		if bp, err := l.BackPressure(srv); err == nil && bp != nil && bp.Level != "Normal" {
			// Medium refuses mail from outside the organization, high
			// all mail ("Understanding Back Pressure").
			refusals = append(refusals, fmt.Sprintf("%s: 452 4.3.1 Insufficient system resources (back pressure %s: its %s %s: is %.1f%% used)", srv, bp.Level, bp.Resource(), bp.Drive, bp.UsedPercent))
			continue
		}
		if _, err := l.Submit(srv, msgs); err != nil {
			// Its queue database cannot take the mail (a page failing
			// its checksum): the connection fails with a transient
			// error, and the sender tries the next MX or keeps it.
			refusals = append(refusals, fmt.Sprintf("%s: 451 4.3.0 local error in processing (%v)", srv, err))
			continue
		}
		return srv, "", nil
	}
	if len(refusals) == 0 {
		return "", "the organization has no Edge or Hub Transport server to take mail from the Internet", nil
	}
	return "", strings.Join(refusals, "; "), nil
}

// InboundReport says what mail from the Internet did.
type InboundReport struct {
	Accepted int    // taken by an MX
	By       string // the server that took them
	Waiting  int    // held on the senders' servers, to be retried
	Why      string // why no MX took them
}

// sendInbound sends n messages from the Internet to each of a database's
// first mailboxes, numbered after those the mailbox, the queues and the
// senders hold for it.
func (l *Pipeline) sendInbound(opts TrafficOptions) (*InboundReport, error) {
	rep := &InboundReport{}
	var dbs []*ad.Database
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, db := range d.Databases {
			if db.Kind == "mailbox" && db.RecoveryOf == "" {
				dbs = append(dbs, db)
			}
		}
		return nil
	})
	slices.SortFunc(dbs, func(a, b *ad.Database) int { return strings.Compare(a.Identity().Key(), b.Identity().Key()) })
	have := map[string]int{}
	for _, m := range l.QueuedMessages() {
		if strings.HasPrefix(m.Subject, "Inbound ") {
			have[strings.ToLower(m.Mailbox)]++
		}
	}
	// The senders number their own mail: what they sent before counts
	// even when it was lost since (with an Edge, a hub's queue), so a
	// lost message's subject is never sent again, where a drill would
	// count the new one as the lost one delivered.
	sent, err := l.readSentCounts()
	if err != nil {
		return rep, err
	}
	var msgs []store.Item
	for _, db := range dbs {
		c, err := l.store.Database(db.Identity())
		if err != nil {
			continue // a server down: its users' correspondents wait for it
		}
		held, err := l.inboundCounts(c)
		if err != nil {
			continue
		}
		var aliases []string
		for i := 1; i <= opts.Mailboxes; i++ {
			mb := MailboxName(db.Name, i)
			aliases = append(aliases, mb)
			for k := 0; k < opts.Inbound; k++ {
				seq := max(held[mb]+have[mb], sent[mb]) + 1
				have[mb]++
				sent[mb] = seq
				msgs = append(msgs, inboundMessage(opts.Seed, mb, seq, l.Now()))
			}
		}
		if err := l.homeMailboxes(aliases, db.Identity()); err != nil {
			return rep, err
		}
	}
	if len(msgs) == 0 {
		return rep, nil
	}
	// Recorded before the mail goes: a kill after it skips numbers,
	// never reuses one.
	if err := l.writeSentCounts(sent); err != nil {
		return rep, err
	}
	if _, err := l.RetrySenders(); err != nil {
		return rep, err
	}
	by, why, err := l.acceptInbound(msgs)
	if err != nil {
		return rep, err
	}
	if by != "" {
		rep.Accepted, rep.By = len(msgs), by
		return rep, nil
	}
	rep.Waiting, rep.Why = len(msgs), why
	return rep, l.holdAtSenders(msgs)
}

// inboundCounts counts the messages from the Internet each mailbox of a
// database holds.
func (l *Pipeline) inboundCounts(c *store.DB) (map[string]int, error) {
	return l.countItems(c, func(it store.Item) bool { return strings.HasPrefix(it.Subject, "Inbound ") })
}

// holdAtSenders adds messages to what the senders' servers hold.
func (l *Pipeline) holdAtSenders(msgs []store.Item) error {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	held, err := l.readSenders()
	if err != nil {
		return err
	}
	return l.writeSenders(append(held, msgs...))
}

// AtSenders lists the messages the Internet's servers hold for Contoso.
func (l *Pipeline) AtSenders() ([]store.Item, error) {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	return l.readSenders()
}

func (l *Pipeline) readSenders() ([]store.Item, error) {
	b, err := os.ReadFile(l.sendersQueue())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []store.Item
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var it store.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, fmt.Errorf("%s: %w", l.sendersQueue(), err)
		}
		out = append(out, it)
	}
	return out, sc.Err()
}

// writeSenders replaces what the senders hold, whole: a kill leaves the
// old list or the new one.
func (l *Pipeline) writeSenders(msgs []store.Item) error {
	var buf bytes.Buffer
	for _, m := range msgs {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		buf.Write(append(b, '\n'))
	}
	if err := os.MkdirAll(filepath.Dir(l.sendersQueue()), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(l.sendersQueue(), buf.Bytes(), 0o644)
}

// RetrySenders is the Internet's servers trying again: what they hold
// goes to the first MX that accepts it. It returns how many messages an
// MX took. A kill between the MX's acceptance and the senders' record of
// it sends them again, as SMTP does when a connection drops after the
// message's data.
func (l *Pipeline) RetrySenders() (int, error) {
	held, err := l.AtSenders()
	if err != nil || len(held) == 0 {
		return 0, err
	}
	by, _, err := l.acceptInbound(held)
	if err != nil || by == "" {
		return 0, err
	}
	l.Mu.Lock()
	defer l.Mu.Unlock()
	now, err := l.readSenders()
	if err != nil {
		return 0, err
	}
	taken := map[string]bool{}
	for _, m := range held {
		taken[m.Mailbox+"\x00"+m.Subject] = true
	}
	rest := slices.DeleteFunc(now, func(m store.Item) bool { return taken[m.Mailbox+"\x00"+m.Subject] })
	return len(held), l.writeSenders(rest)
}

// relayInbound is an Edge handing mail from the Internet to a hub of the
// site it is subscribed to: the first, by name, whose transport runs
// and accepts mail.
func (l *Pipeline) relayInbound(site string, msgs []store.Item) (int, error) {
	var hubs []string
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, s := range d.Servers {
			if s.Roles.Has(org.RoleHubTransport) && (site == "" || strings.EqualFold(s.Site, site)) {
				hubs = append(hubs, s.Name)
			}
		}
		return nil
	})
	slices.Sort(hubs)
	for _, hub := range hubs {
		if !l.MachineUp(hub) || l.Failed(hub) {
			continue
		}
		svc, err := l.LoadService(hub)
		if err != nil || svc == nil || !svc.Running || svc.NotAccepting {
			continue
		}
		if bp, err := l.BackPressure(hub); err == nil && bp != nil && bp.Level != "Normal" {
			// Mail from the Internet is refused from medium on.

			continue
		}
		return l.Submit(hub, msgs)
	}
	return 0, fmt.Errorf("451 4.4.0 no Hub Transport server in site %q accepts mail", site)
}

// RetryDue is transport's own retry as time passes: each running
// transport server tries again the queues whose retry interval has run
// out, as Exchange does without Retry-Queue (hubs first, so that what an
// Edge relays to them is delivered in the same pass). It returns how
// many messages reached a mailbox database.
func (l *Pipeline) RetryDue() (int, error) {
	var hubs, edges []string
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, s := range d.Servers {
			switch {
			case s.Roles.Has(org.RoleHubTransport):
				hubs = append(hubs, s.Name)
			case s.Roles.Has(org.RoleEdgeTransport):
				edges = append(edges, s.Name)
			}
		}
		return nil
	})
	slices.Sort(hubs)
	slices.Sort(edges)
	delivered := 0
	for _, srv := range append(hubs, edges...) {
		if !l.MachineUp(srv) || l.Failed(srv) {
			continue
		}
		svc, err := l.LoadService(srv)
		if err != nil || svc == nil || !svc.Running {
			continue
		}
		q, err := l.QueueOf(srv)
		if err != nil {
			continue // no queue database to retry: the read shows why
		}
		n, err := l.runQueues(q, nil)
		if err != nil {
			continue // a damaged queue database: the read and the plan show it
		}
		delivered += n
	}
	return delivered, nil
}

// sentCounts is where the Internet's servers keep how many messages each
// recipient has been sent.
func (l *Pipeline) sentCounts() string {
	return filepath.Join(l.Root(), internetDir, "senders", "sent.json")
}

func (l *Pipeline) readSentCounts() (map[string]int, error) {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	out := map[string]int{}
	b, err := os.ReadFile(l.sentCounts())
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", l.sentCounts(), err)
	}
	return out, nil
}

func (l *Pipeline) writeSentCounts(counts map[string]int) error {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	b, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(l.sentCounts()), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(l.sentCounts(), b, 0o644)
}
