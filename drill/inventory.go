package drill

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab"
)

// Census is what a drill counts before a disaster and after its
// recovery: every item a user can reach, by mailbox and subject, and every
// message waiting in a transport queue.
type Census struct {
	items  items
	copies int
	Queued []lab.QueuedMessage
}

// addQueued adds the queued messages the census does not hold yet.
func (c *Census) addQueued(now []lab.QueuedMessage) {
	have := map[string]bool{}
	for _, m := range c.Queued {
		have[m.Mailbox+"\x00"+m.Subject] = true
	}
	for _, m := range now {
		if !have[m.Mailbox+"\x00"+m.Subject] {
			have[m.Mailbox+"\x00"+m.Subject] = true
			c.Queued = append(c.Queued, m)
		}
	}
}

// Count takes a census of the lab's organization as o declares it, after
// a recovery: the items users reach, in mounted databases (and in those
// the configuration keeps dismounted, as a mount would show them).
func Count(l *lab.Lab, o *org.Org) (*Census, error) {
	return count(l, o, false)
}

// CountHeld takes the census before a disaster: every item the
// organization holds, in a database dismounted for maintenance too, as a
// mount would show it. Counting only what users reached then, a drill
// never saw a dismounted database's losses and said "nothing lost"
// (adversarial review). A database whose pages or header cannot be read
// is an error: what its recovery loses could not be told.
func CountHeld(l *lab.Lab, o *org.Org) (*Census, error) {
	return count(l, o, true)
}

func count(l *lab.Lab, o *org.Org, held bool) (*Census, error) {
	in, copies, err := inventory(l, o, held)
	if err != nil {
		return nil, err
	}
	return &Census{items: in, copies: copies, Queued: l.QueuedMessages()}, nil
}

// Items is how many items users can reach.
func (c *Census) Items() int { return c.items.count() }

// Copies is how many items repeat another of the same folder: the same
// subject at the same time, one message delivered twice. A recovery that
// adds copies has not put the mailboxes back as they were, even though
// nothing is missing.
func (c *Census) Copies() int { return c.copies }

// Lost lists what before holds that after does not: items gone from
// their mailboxes, and queued messages neither delivered to a mailbox nor
// accepted by another organization's server.
func Lost(l *lab.Lab, before, after *Census) (items, messages []LostItem, err error) {
	sent, err := l.SentOut()
	if err != nil {
		return nil, nil, fmt.Errorf("read what other organizations received: %w", err)
	}
	return before.items.missingFrom(after.items), undelivered(before.Queued, after.items, sent), nil
}

// items is every visible item in the organization's mailboxes, keyed by
// mailbox and subject (traffic gives each message a subject of its own),
// with its time.
type items map[string]map[string]time.Time

// inventory reads every mailbox database of the configuration as a user
// would see it; held, every one as a mount would show it. After a
// recovery, a database that cannot be read holds nothing a user can
// reach; before a disaster (held) it is an error.
func inventory(l *lab.Lab, o *org.Org, held bool) (items, int, error) {
	out := items{}
	homes, err := l.MailboxHomes()
	if err != nil {
		return nil, 0, err
	}
	// The configuration's databases, and any other the directory homes a
	// mailbox in (a database served from its standby until failback):
	// there only the mailboxes homed in it count, as users reach no other.
	type source struct {
		id       org.Identity
		declared bool
		// dismounted: the configuration keeps it so, and its items are
		// counted as a mount would show them.
		dismounted bool
		name       string
	}
	var dbs []source
	seen := map[string]bool{}
	for _, db := range o.Databases {
		if db.Kind == org.MailboxDB {
			dbs = append(dbs, source{db.Identity(), true, !db.Mounted, db.Addr.String()})
			seen[db.Identity().Key()] = true
		}
	}
	var others []org.Identity
	for _, home := range homes {
		if !seen[home.Key()] {
			seen[home.Key()] = true
			others = append(others, home)
		}
	}
	slices.Sort(others)
	for _, id := range others {
		dbs = append(dbs, source{id, false, false, string(id)})
	}
	if err := publicFolderPosts(l, o, out); err != nil {
		return nil, 0, err
	}
	copies := 0
	type placed struct {
		mailbox, folder, subject string
		time                     int64
	}
	seenItem := map[placed]bool{}
	for _, db := range dbs {
		asMounted := held || db.dismounted
		inspect := l.Inspect
		if asMounted {
			inspect = l.InspectAsMounted
		}
		in, err := inspect(db.id)
		if err != nil {
			continue // not in the lab's directory, or its server not there: nothing can be counted in it
		}
		if unreadable := cmp.Or(in.HeaderError, in.ContentError); held && in.FileExists && unreadable != "" {
			return nil, 0, fmt.Errorf("%s cannot be counted: %s. The drill could not tell what its recovery loses: repair it first (exdr plan shows how)", db.name, unreadable)
		}
		if in.ContentError != "" || !in.Mounted && !asMounted {
			continue
		}
		for mb, its := range in.Mailboxes {
			if home, ok := homes[mb]; !db.declared && (!ok || home.Key() != db.id.Key()) {
				continue
			}
			for _, it := range its {
				if !it.Deleted.IsZero() {
					continue
				}
				if out[mb] == nil {
					out[mb] = map[string]time.Time{}
				}
				out[mb][it.Subject] = it.Time
				k := placed{mb, it.Folder, it.Subject, it.Time.UnixNano()}
				if seenItem[k] {
					copies++
				}
				seenItem[k] = true
			}
		}
	}
	return out, copies, nil
}

func (in items) count() int {
	n := 0
	for _, m := range in {
		n += len(m)
	}
	return n
}

// missingFrom lists what in holds and after does not, by mailbox then
// subject.
func (in items) missingFrom(after items) []LostItem {
	var out []LostItem
	for mb, m := range in {
		for subject, t := range m {
			if _, ok := after[mb][subject]; !ok {
				out = append(out, LostItem{Mailbox: mb, Subject: subject, Time: t.UTC()})
			}
		}
	}
	slices.SortFunc(out, func(a, b LostItem) int {
		return cmp.Or(strings.Compare(a.Mailbox, b.Mailbox), strings.Compare(a.Subject, b.Subject))
	})
	return out
}

// undelivered lists the queued messages that are not in their
// recipient's mailbox after the recovery, nor, for another
// organization, accepted by its server.
func undelivered(queued []lab.QueuedMessage, after items, sent map[string]map[string]time.Time) []LostItem {
	var out []LostItem
	for _, m := range queued {
		_, delivered := after[m.Mailbox][m.Subject]
		_, accepted := sent[m.Mailbox][m.Subject]
		if !delivered && !accepted {
			out = append(out, LostItem{Mailbox: m.Mailbox, Subject: m.Subject, Time: m.Time.UTC()})
		}
	}
	slices.SortFunc(out, func(a, b LostItem) int {
		return cmp.Or(strings.Compare(a.Mailbox, b.Mailbox), strings.Compare(a.Subject, b.Subject))
	})
	return out
}

// publicFolderPosts adds the posts users reach in public folders: a
// folder's posts in any mounted public folder database that holds a
// replica of it, keyed by the folder's path (which begins with a
// backslash, as no mailbox alias does).
func publicFolderPosts(l *lab.Lab, o *org.Org, out items) error {
	for _, db := range o.Databases {
		if db.Kind != org.PublicFolderDB {
			continue
		}
		in, err := l.Inspect(db.Identity())
		if err != nil || in.ContentError != "" || !in.Mounted {
			continue
		}
		for _, f := range in.Hierarchy {
			if !f.HasReplica(string(db.Identity())) {
				continue
			}
			for _, it := range in.Folders[f.Path] {
				key := strings.ToLower(f.Path)
				if out[key] == nil {
					out[key] = map[string]time.Time{}
				}
				out[key][it.Subject] = it.Time
			}
		}
	}
	return nil
}
