package store

import (
	"errors"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ese"
)

// Inspection is what eseutil /mh shows of a database, with what its pages
// hold: mailboxes and their items.
type Inspection struct {
	Identity    org.Identity
	EdbFilePath string
	FileExists  bool
	HeaderError string // set when the header cannot be read
	State       org.ShutdownState
	LogRequired org.LogRange
	RepairCount int
	Pages       int
	BadPages    []uint32
	Mounted     bool
	Size        org.Size
	// The backups stamped in the header; zero when none.
	LastFull, LastIncremental, LastDifferential time.Time
	// Items by mailbox, as users see them: for a mounted database, the
	// pages with the logged changes; otherwise, the pages alone.
	Mailboxes map[string][]Item
	// Folders are a public folder database's posts by folder path, with
	// its copy of the hierarchy.
	Folders   map[string][]Item
	Hierarchy []*PublicFolder
	// Pending counts logged page changes a soft recovery would apply.
	Pending int
	// Disconnected mailboxes, and when each was disconnected.
	Disconnected map[string]time.Time
	// ContentError is set when the pages cannot be read for items.
	ContentError string
}

// Items counts the items users see: those not in the dumpster.
func (in *Inspection) Items() int {
	n := 0
	for _, items := range in.Mailboxes {
		for _, it := range items {
			if it.Deleted.IsZero() {
				n++
			}
		}
	}
	return n
}

// Dumpster counts the deleted items retention still keeps.
func (in *Inspection) Dumpster() int {
	n := 0
	for _, items := range in.Mailboxes {
		for _, it := range items {
			if !it.Deleted.IsZero() {
				n++
			}
		}
	}
	return n
}

// MailboxNames returns the mailboxes in name order.
func (in *Inspection) MailboxNames() []string {
	names := make([]string, 0, len(in.Mailboxes))
	for n := range in.Mailboxes {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func StampTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// Inspect reads a database's header and pages.
func (l *Store) Inspect(id org.Identity) (*Inspection, error) {
	return l.inspect(id, false)
}

// InspectAsMounted is Inspect, with a dismounted database's items as a
// mount would show them: its pages with the logged changes soft recovery
// replays. What the organization holds in it, though no user reaches
// them now.
func (l *Store) InspectAsMounted(id org.Identity) (*Inspection, error) {
	return l.inspect(id, true)
}

func (l *Store) inspect(id org.Identity, asMounted bool) (*Inspection, error) {
	c, err := l.databaseFiles(id)
	if err != nil {
		return nil, err
	}
	in := &Inspection{Identity: c.DB.Identity(), EdbFilePath: c.DB.EdbFilePath, Mailboxes: map[string][]Item{}}
	st, err := l.LoadStore(c.Server)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(c.Path)
	if errors.Is(err, os.ErrNotExist) {
		return in, nil
	}
	if err != nil {
		return nil, err
	}
	in.FileExists, in.Size = true, org.Size(fi.Size())
	e, err := ese.OpenEDB(c.Path, false)
	if err != nil {
		in.HeaderError = err.Error()
		return in, nil
	}
	defer e.Close()
	in.State, in.LogRequired, in.RepairCount, in.Pages = e.Hdr.State, e.Hdr.LogRequired, int(e.Hdr.RepairCount), int(e.Hdr.Pages)
	in.LastFull, in.LastIncremental, in.LastDifferential = StampTime(e.Hdr.LastFull), StampTime(e.Hdr.LastIncr), StampTime(e.Hdr.LastDiff)
	in.Mounted = st.IsMounted(id, e.Hdr)
	if in.BadPages, err = e.Scan(); err != nil {
		return nil, err
	}
	if len(in.BadPages) > 0 {
		in.ContentError = "pages fail their checksums; items cannot be listed"
		return in, nil
	}
	mu := l.StreamLock(c.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	overlay, err := LoadView(e, c.Stream, true)
	if err != nil {
		in.ContentError = err.Error()
		if in.Mounted {
			// Its content is the pages with the logged changes on top,
			// and a log it needs cannot be read.
			return in, nil
		}
		if asMounted {
			// Dismounted, a log it needs cannot be read: what it holds
			// for certain is its pages.
			overlay, asMounted, in.ContentError = nil, false, ""
		}
	}
	view := overlay
	if !in.Mounted && !asMounted {
		if view, err = LoadView(e, c.Stream, false); err != nil {
			in.ContentError = err.Error()
			return in, nil
		}
	}
	if overlay != nil {
		in.Pending = overlay.Pending
	}
	if in.Mounted {
		in.Pending = 0 // a mounted database's logged changes are its content
	}
	items, err := view.Items()
	if err != nil {
		in.ContentError = err.Error()
		return in, nil
	}
	for _, mb := range view.Cat.Mailboxes {
		in.Mailboxes[mb] = nil
	}
	in.Disconnected = view.Cat.Disconnected
	in.Hierarchy = view.Cat.Hierarchy
	for _, it := range items {
		if it.Mailbox == "" && strings.HasPrefix(it.Folder, `\`) {
			if in.Folders == nil {
				in.Folders = map[string][]Item{}
			}
			in.Folders[it.Folder] = append(in.Folders[it.Folder], it)
			continue
		}
		in.Mailboxes[it.Mailbox] = append(in.Mailboxes[it.Mailbox], it)
	}
	return in, nil
}
