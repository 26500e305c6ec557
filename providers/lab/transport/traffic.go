package transport

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

// TrafficOptions shape a burst of mail.
type TrafficOptions struct {
	Mailboxes int    // per mailbox database; those missing are created
	Items     int    // delivered to each mailbox
	External  int    // sent by each mailbox to other organizations (through a hub)
	Inbound   int    // sent to each mailbox from the Internet (through the Edge)
	Seed      uint64 // the same seed and history give the same mail
	// Attachments gives about a third of the messages a file attached
	// (its name only: what Restore-Mailbox's filters look at).
	Attachments bool
}

// TrafficReport says what was delivered where.
type TrafficReport struct {
	Delivered map[org.Identity]int
	// Queued are the messages a hub accepted but could not deliver yet
	// (their database is not mounted): they wait in its queue database.
	Queued map[org.Identity]int
	Via    map[org.Identity]string // the hub each database's mail went through
	// External counts the messages the mailboxes sent to other
	// organizations, accepted by a hub: on their way, or arrived.
	External int
	Skipped  []string // databases that took no mail, and why
	// Inbound is what the mail from the Internet did; Retried how many
	// messages the senders' servers held and an MX took this time.
	Inbound *InboundReport
	Retried int
}

// Traffic sends deterministic mail to every mailbox database. In an
// organization with Hub Transport servers, each database's mail is
// submitted to a running hub in its server's site, which queues it in
// mail.que and delivers it when the database is mounted. Without hubs
// the lab hands it straight to mounted databases. In the database each
// change goes to the log first, and reaches the pages at the next
// checkpoint.
func (l *Pipeline) Traffic(ctx context.Context, opts TrafficOptions) (*TrafficReport, error) {
	if !host.Exists(l.Root()) {
		return nil, fmt.Errorf("no lab at %s yet: run exdr apply first", l.Root())
	}
	var dbs []*ad.Database
	hubs := false
	l.ViewDirectory(func(d *ad.Directory) error {
		dbs = append(dbs, d.Databases...)
		for _, s := range d.Servers {
			hubs = hubs || s.Roles.Has(org.RoleHubTransport)
		}
		return nil
	})
	// In identity order, so that the same burst leaves the same pages.
	slices.SortFunc(dbs, func(a, b *ad.Database) int { return strings.Compare(a.Identity().Key(), b.Identity().Key()) })
	rep := &TrafficReport{Delivered: map[org.Identity]int{}, Queued: map[org.Identity]int{}, Via: map[org.Identity]string{}}
	var st *sendState
	if hubs {
		st = l.newSendState(opts.External > 0)
	}
	for _, db := range dbs {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if db.Kind != "mailbox" || db.RecoveryOf != "" {
			continue
		}
		if hubs {
			if err := l.sendVia(db.Identity(), opts, rep, st); err != nil {
				return rep, fmt.Errorf("%s: %w", db.Identity(), err)
			}
			continue
		}
		n, why, err := l.deliverTo(db.Identity(), opts)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", db.Identity(), err)
		}
		if why != "" {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %s", db.Identity(), why))
			continue
		}
		rep.Delivered[db.Identity()] = n
	}
	if hubs {
		n, err := l.RetrySenders()
		if err != nil {
			return rep, err
		}
		rep.Retried = n
	}
	if opts.Inbound > 0 {
		in, err := l.sendInbound(opts)
		if err != nil {
			return rep, err
		}
		rep.Inbound = in
	}
	// The replication service ships what the burst closed.
	return rep, l.AfterLogs()
}

func (l *Pipeline) deliverTo(id org.Identity, opts TrafficOptions) (int, string, error) {
	c, err := l.store.Database(id)
	if err != nil {
		return 0, err.Error(), nil // a server down takes no mail
	}
	delivered := 0
	var mailboxes []string
	err = l.store.WithMountedView(id, func(v *store.View, _ time.Time) error {
		items, err := v.Items()
		if err != nil {
			return err
		}
		have := map[string]int{}
		for _, it := range items {
			have[it.Mailbox]++
		}
		for i := 1; i <= opts.Mailboxes; i++ {
			mb := MailboxName(c.DB.Name, i)
			v.AddMailbox(mb)
			for k := 0; k < opts.Items; k++ {
				have[mb]++
				if err := v.Deliver(message(opts.Seed, id, mb, have[mb], l.Now(), opts.Attachments)); err != nil {
					return err
				}
				delivered++
			}
		}
		mailboxes = v.Cat.Mailboxes
		return nil
	})
	if errors.Is(err, store.ErrNotMounted) {
		return 0, "not mounted", nil
	}
	if err != nil {
		return 0, "", err
	}
	return delivered, "", l.homeMailboxes(mailboxes, id)
}

// homeMailboxes gives the directory a mailbox object for each alias that
// has none, homed in db.
func (l *Pipeline) homeMailboxes(aliases []string, db org.Identity) error {
	return l.UpdateDirectory(func(d *ad.Directory) error {
		have := map[string]bool{}
		for _, m := range d.Mailboxes {
			have[strings.ToLower(m.Alias)] = true
		}
		for _, a := range aliases {
			if !have[strings.ToLower(a)] {
				d.AddMailbox(&ad.Mailbox{Alias: a, Database: string(db)})
				have[strings.ToLower(a)] = true
			}
		}
		return nil
	})
}

// MailboxName is the alias traffic gives a database's i-th mailbox: the
// database's name with what Exchange 2007 refuses in an alias (white
// space, "@", parentheses, a period at the start or beside another,
// letters past U+00FF) written as "-". "Mailbox Database (Sales)" gave
// "mailbox-database-(sales)-user001", which no configuration may declare,
// and exdr generate then wrote one that did not load (adversarial review).
func MailboxName(database string, i int) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range strings.ToLower(database) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r >= 0xA1 && r <= 0xFF && unicode.IsLetter(r):
		case r == '.' && prev != 0 && prev != '.':
		default:
			r = '-'
		}
		b.WriteRune(r)
		prev = r
	}
	return fmt.Sprintf("%s-user%03d", b.String(), i)
}

var words = strings.Fields(`budget meeting quarterly report review draft contract invoice schedule
project update customer order shipment forecast approval travel agenda minutes proposal
deadline payroll audit inventory renewal license support ticket release plan`)

// message makes the seq-th message to a mailbox: the same arguments give
// the same message, so a test can name every item that must come back.
func message(seed uint64, db org.Identity, mailbox string, seq int, now time.Time, attach bool) store.Item {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%d", db.Key(), mailbox, seq)
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	body := make([]string, 30+rng.IntN(30))
	for i := range body {
		body[i] = words[rng.IntN(len(words))]
	}
	it := store.Item{
		Mailbox: mailbox,
		Folder:  "Inbox",
		Subject: fmt.Sprintf("Message %d to %s", seq, mailbox),
		From:    fmt.Sprintf("sender%02d@fabrikam.example", rng.IntN(20)),
		Time:    now.UTC(),
		Body:    strings.Join(body, " "),
	}
	// Drawn after everything above, so that mail without attachments is
	// the same as before they existed.
	if attach && rng.IntN(3) == 0 {
		it.Attachments = fmt.Sprintf("%s-%d.%s", words[rng.IntN(len(words))], seq, []string{"xlsx", "pdf", "docx"}[rng.IntN(3)])
	}
	return it
}
