package ad

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unsafe"

	"github.com/exdr/exdr/org"
)

// A change is what one update did to the directory, small enough to
// append to a log instead of writing the whole directory again: building
// ten thousand databases step by step would otherwise write the directory
// ten thousand times, each time larger.
//
// The directory tracks an update between Begin and Changes: every object
// its lookups (Server, StorageGroup, Database) return or its add methods
// add is written whole, keyed by its identity; a list changed any other
// way (an object removed, a slice appended to by hand) is written whole.
// Code that changes a mailbox it found by walking the list says so
// (Touch); the merges and subscriptions, which have no identity, are
// compared whole.
type change struct {
	Servers       []*Server       `json:"servers,omitempty"`
	StorageGroups []*StorageGroup `json:"storage_groups,omitempty"`
	Databases     []*Database     `json:"databases,omitempty"`
	Mailboxes     []*Mailbox      `json:"mailboxes,omitempty"`
	// Whole holds the lists replaced whole, by their JSON name.
	Whole map[string]json.RawMessage `json:"whole,omitempty"`
}

// The lists a change can name.
const (
	listServers = iota
	listStorageGroups
	listDatabases
	listMailboxes
	listMerges
	listSubscriptions
	lists
)

var listNames = [lists]string{"servers", "storage_groups", "databases", "mailboxes", "merges", "edge_subscriptions"}

// header is where a list's elements are and how many: a list whose header
// moved other than by its add methods was changed by hand.
type header struct {
	data unsafe.Pointer
	n    int
}

func headerOf[T any](s []T) header { return header{unsafe.Pointer(unsafe.SliceData(s)), len(s)} }

type tracker struct {
	// keyless are the merges and subscriptions as they were, in JSON:
	// they have no identity to key a change by, and are small.
	keyless [2][]byte
	before  [lists]header
	expect  [lists]*header
	whole   [lists]bool
	touched [lists][]any
	seen    map[any]bool
}

func (d *Directory) headers() [lists]header {
	return [lists]header{headerOf(d.Servers), headerOf(d.StorageGroups), headerOf(d.Databases),
		headerOf(d.Mailboxes), headerOf(d.Merges), headerOf(d.EdgeSubscriptions)}
}

// Begin starts tracking an update.
func (d *Directory) Begin() {
	d.track = &tracker{before: d.headers(), seen: map[any]bool{}}
	d.track.keyless[0], _ = json.Marshal(d.Merges)
	d.track.keyless[1], _ = json.Marshal(d.EdgeSubscriptions)
}

// End stops tracking without writing anything (the update failed, and
// changed nothing).
func (d *Directory) End() { d.track = nil }

func (d *Directory) touch(list int, obj any) {
	t := d.track
	if t == nil || obj == nil || t.seen[obj] {
		return
	}
	t.seen[obj] = true
	t.touched[list] = append(t.touched[list], obj)
}

// appended records that an add method appended to a list: the list's new
// header is explained, unless it had been changed by hand before.
func (d *Directory) appended(list int, before, after header) {
	t := d.track
	if t == nil {
		return
	}
	want := t.before[list]
	if t.expect[list] != nil {
		want = *t.expect[list]
	}
	if before != want {
		t.whole[list] = true
	}
	t.expect[list] = &after
}

// Touch says that the update changed m, found by walking the list.
func (d *Directory) Touch(m *Mailbox) { d.touch(listMailboxes, m) }

// AddMailbox adds a mailbox object.
func (d *Directory) AddMailbox(m *Mailbox) {
	before := headerOf(d.Mailboxes)
	d.Mailboxes = append(d.Mailboxes, m)
	d.appended(listMailboxes, before, headerOf(d.Mailboxes))
	d.touch(listMailboxes, m)
}

// Changes ends tracking and returns what the update changed, as one log
// record, or nil if it changed nothing the directory keeps.
func (d *Directory) Changes() ([]byte, error) {
	t := d.track
	d.track = nil
	if t == nil {
		return nil, fmt.Errorf("the directory was not tracking an update")
	}
	now := d.headers()
	var c change
	whole := map[string]any{}
	lists := [lists]any{d.Servers, d.StorageGroups, d.Databases, d.Mailboxes, d.Merges, d.EdgeSubscriptions}
	for i := range now {
		want := t.before[i]
		if t.expect[i] != nil {
			want = *t.expect[i]
		}
		// Merges and subscriptions have no identity to key them by: any
		// change to them is written whole.
		if i >= listMerges {
			if b, _ := json.Marshal(lists[i]); !bytes.Equal(b, t.keyless[i-listMerges]) {
				whole[listNames[i]] = lists[i]
			}
			continue
		}
		if t.whole[i] || now[i] != want {
			whole[listNames[i]] = lists[i]
			continue
		}
		for _, obj := range t.touched[i] {
			switch o := obj.(type) {
			case *Server:
				c.Servers = append(c.Servers, o)
			case *StorageGroup:
				c.StorageGroups = append(c.StorageGroups, o)
			case *Database:
				c.Databases = append(c.Databases, o)
			case *Mailbox:
				c.Mailboxes = append(c.Mailboxes, o)
			}
		}
	}
	if len(whole) > 0 {
		c.Whole = map[string]json.RawMessage{}
		for name, list := range whole {
			b, err := json.Marshal(list)
			if err != nil {
				return nil, err
			}
			c.Whole[name] = b
		}
	}
	if c.Servers == nil && c.StorageGroups == nil && c.Databases == nil && c.Mailboxes == nil && c.Whole == nil {
		return nil, nil
	}
	return json.Marshal(&c)
}

// Replay applies a change that Changes wrote: objects replace those of
// the same identity, or join the end of their list as the add methods
// put them; whole lists replace the lists.
func (d *Directory) Replay(rec []byte) error {
	var c change
	if err := json.Unmarshal(rec, &c); err != nil {
		return err
	}
	for name, raw := range c.Whole {
		// Into fresh lists: json reuses the objects a list already points
		// to, and would keep a field the new object leaves out.
		var err error
		switch name {
		case "servers":
			d.Servers, err = decodeList[*Server](raw)
		case "storage_groups":
			d.StorageGroups, err = decodeList[*StorageGroup](raw)
		case "databases":
			d.Databases, err = decodeList[*Database](raw)
		case "mailboxes":
			d.Mailboxes, err = decodeList[*Mailbox](raw)
		case "merges":
			d.Merges, err = decodeList[*Merge](raw)
		case "edge_subscriptions":
			d.EdgeSubscriptions, err = decodeList[*Subscription](raw)
		default:
			err = fmt.Errorf("unknown list %q", name)
		}
		if err != nil {
			return err
		}
		d.index = nil
	}
	for _, s := range c.Servers {
		if cur := d.Server(s.Name); cur != nil {
			*cur = *s
		} else {
			d.AddServer(s)
		}
	}
	for _, sg := range c.StorageGroups {
		if cur := d.StorageGroup(org.Identity(sg.Server).Join(sg.Name)); cur != nil {
			*cur = *sg
		} else {
			d.AddStorageGroup(sg)
		}
	}
	for _, db := range c.Databases {
		if cur := d.Database(db.Identity()); cur != nil {
			*cur = *db
		} else {
			d.AddDatabase(db)
		}
	}
	if len(c.Mailboxes) > 0 {
		byAlias := make(map[string]*Mailbox, len(d.Mailboxes))
		for _, m := range d.Mailboxes {
			byAlias[strings.ToLower(m.Alias)] = m
		}
		for _, m := range c.Mailboxes {
			if cur := byAlias[strings.ToLower(m.Alias)]; cur != nil {
				*cur = *m
			} else {
				d.Mailboxes = append(d.Mailboxes, m)
				byAlias[strings.ToLower(m.Alias)] = m
			}
		}
	}
	return nil
}

func decodeList[T any](raw json.RawMessage) ([]T, error) {
	var list []T
	err := json.Unmarshal(raw, &list)
	return list, err
}
