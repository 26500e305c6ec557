package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/internal/jsonread"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ese"
)

// Item is one message in a mailbox, as a database page holds it.
type Item struct {
	ID      uint64    `json:"id"`
	Mailbox string    `json:"mb"`
	Folder  string    `json:"f"`
	Subject string    `json:"s"`
	From    string    `json:"from"`
	Time    time.Time `json:"t"`
	Body    string    `json:"b"`
	// Attachments are the file names of its attachments, separated by
	// "|", which no Windows file name holds (a string keeps Item
	// comparable).
	Attachments string `json:"att,omitempty"`
	// Corrupt is an item whose properties cannot be read (a damaged
	// item, as "exdr lab mailbox corrupt-items" makes): Restore-Mailbox
	// cannot copy it, and passes over it only within -BadItemLimit.
	Corrupt bool `json:"bad,omitempty"`
	// Deleted is when the user deleted it: it is in the dumpster, which
	// keeps it for the deleted item retention. Zero for a visible item.
	Deleted time.Time `json:"del,omitzero"`
	// Orig is the item a Restore-Mailbox copied this one from, so that a
	// second run copies nothing twice.
	Orig uint64 `json:"orig,omitempty"`
	// Queue and Dest place a message in a transport queue database: the
	// queue it waits in and the mailbox database it is for.
	Queue string `json:"q,omitempty"`
	Dest  string `json:"dest,omitempty"`
}

// View is a database's content as the Information Store sees it: the
// pages, with the logged changes not yet written to them applied in
// memory. Pages 2 and up hold items, one JSON object a line.
type View struct {
	Sig     uint64
	Count   uint32            // data pages
	Pages   map[uint32][]byte // payloads
	LSNs    map[uint32]uint64
	Cat     *Catalog
	Changed map[uint32]bool
	Pending int // logged changes not yet in the pages
	// Fill is the page new items go to: the last page holding items (1
	// when none does). Pages Fill in order, so items keep theirs.
	Fill uint32
}

// LoadView reads every page of e and, if withLog, overlays the logged
// changes from the header's required generation on. A page failing its
// checksum stops it: the store would fail on it too (JET -1018).
func LoadView(e *ese.File, s *ese.Stream, withLog bool) (*View, error) {
	v := &View{Sig: e.Hdr.Signature, Count: e.Hdr.Pages, Pages: map[uint32][]byte{}, LSNs: map[uint32]uint64{}, Changed: map[uint32]bool{}}
	for n := uint32(1); n <= e.Hdr.Pages; n++ {
		pg, ok, err := e.ReadPage(n)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("page %d fails its checksum (JET -1018)", n)
		}
		v.Pages[n], v.LSNs[n] = pg.Payload, pg.LSN
	}
	if withLog && e.Hdr.State == org.StateDirty && e.Hdr.LogRequired.Low > 0 {
		err := s.Replay(e.Hdr.LogRequired.Low, func(r ese.Record) error {
			p := r.Payload
			if len(p) < 13 || p[0] != ese.RecPageImage || binary.LittleEndian.Uint64(p[1:]) != v.Sig {
				return nil
			}
			n := binary.LittleEndian.Uint32(p[9:])
			if n == 0 || r.LSN < e.Hdr.AttachLSN || v.LSNs[n] >= r.LSN && n <= e.Hdr.Pages {
				return nil
			}
			v.Pages[n], v.LSNs[n] = bytes.Clone(p[13:]), r.LSN
			v.Count = max(v.Count, n)
			v.Pending++
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	v.Fill = 1
	for n := uint32(2); n <= v.Count; n++ {
		if len(v.Pages[n]) > 0 {
			v.Fill = n
		}
	}
	v.Cat = &Catalog{Identity: e.Hdr.Identity}
	if b := v.Pages[1]; len(b) > 0 {
		if err := jsonread.Unmarshal(b, v.Cat); err != nil {
			return nil, fmt.Errorf("the catalog page is unreadable: %w", err)
		}
	}
	return v, nil
}

// Items returns every item, in page order.
func (v *View) Items() ([]Item, error) {
	var out []Item
	for n := uint32(2); n <= v.Count; n++ {
		for _, line := range bytes.Split(v.Pages[n], []byte{'\n'}) {
			if len(line) == 0 {
				continue
			}
			var it Item
			if err := json.Unmarshal(line, &it); err != nil {
				return nil, fmt.Errorf("page %d holds an unreadable item: %w", n, err)
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// EachItem calls fn with each item that reads, in page order, and passes
// over a line that does not.
func (v *View) EachItem(fn func(Item)) {
	for n := uint32(2); n <= v.Count; n++ {
		for line := range bytes.SplitSeq(v.Pages[n], []byte{'\n'}) {
			var it Item
			if len(line) > 0 && json.Unmarshal(line, &it) == nil {
				fn(it)
			}
		}
	}
}

func (v *View) AddMailbox(name string) {
	if !slices.Contains(v.Cat.Mailboxes, name) {
		v.Cat.Mailboxes = append(v.Cat.Mailboxes, name)
		v.Changed[1] = true
	}
}

// Deliver puts an item on the last page with room, or on a new page.
func (v *View) Deliver(it Item) error {
	if it.ID == 0 {
		if v.Cat.NextItem == 0 {
			// Each database numbers its items in a range of its own, so
			// items from two databases (a dial-tone one and the restored
			// one, say) never share an ID when merged.
			v.Cat.NextItem = (v.Sig & 0xffffff) << 24
		}
		v.Cat.NextItem++
		it.ID = v.Cat.NextItem
		v.Changed[1] = true
	}
	b, err := json.Marshal(it)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if len(b) > ese.MaxPayload {
		return fmt.Errorf("item %d is %d bytes, more than a page holds", it.ID, len(b))
	}
	n := v.Fill
	if n < 2 || len(v.Pages[n])+len(b) > ese.MaxPayload {
		n = max(v.Fill+1, 2)
		v.Count = max(v.Count, n)
	}
	v.Fill = n
	v.Pages[n] = append(v.Pages[n], b...)
	v.Changed[n] = true
	return nil
}

// Rewrite runs keep on every item, dropping those it returns false for
// and rewriting the pages where it dropped or changed anything. It
// returns how many items it dropped.
func (v *View) Rewrite(keep func(it *Item) bool) int {
	dropped := 0
	// Items that grew past their page's room move to the end, as a
	// page split would move them.
	var spilled []Item
	for n := uint32(2); n <= v.Count; n++ {
		var out []byte
		changed := false
		for _, line := range bytes.Split(v.Pages[n], []byte{'\n'}) {
			if len(line) == 0 {
				continue
			}
			var it Item
			if json.Unmarshal(line, &it) != nil {
				out = append(append(out, line...), '\n')
				continue
			}
			before := it
			if !keep(&it) {
				dropped++
				changed = true
				continue
			}
			if it != before {
				changed = true
				line, _ = json.Marshal(it)
			}
			if len(out)+len(line)+1 > ese.MaxPayload {
				spilled = append(spilled, it)
				changed = true
				continue
			}
			out = append(append(out, line...), '\n')
		}
		if changed {
			v.Pages[n] = out
			v.Changed[n] = true
		}
	}
	for _, it := range spilled {
		v.Deliver(it) // an item fits an empty page: deliver checked it when it came
	}
	return dropped
}

// Commit writes every changed page to the log as a page image: the pages
// themselves get them at the next checkpoint.
func (v *View) Commit(s *ese.Stream) error {
	if len(v.Changed) == 0 {
		return nil
	}
	cat, err := json.Marshal(v.Cat)
	if err != nil {
		return err
	}
	v.Pages[1] = cat
	nums := make([]uint32, 0, len(v.Changed))
	for n := range v.Changed {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	recs := make([][]byte, 0, len(nums))
	for _, n := range nums {
		recs = append(recs, ese.PageRecord(v.Sig, n, v.Pages[n]))
	}
	_, err = s.Append(recs...)
	clear(v.Changed)
	return err
}

// Catalog is what a database's first page holds about the database.
type Catalog struct {
	Identity  string    `json:"identity"`
	Created   time.Time `json:"created"`
	Mounts    int       `json:"mounts"`
	LastMount time.Time `json:"last_mount,omitzero"`
	NextItem  uint64    `json:"next_item,omitempty"`
	Mailboxes []string  `json:"mailboxes,omitempty"`
	// Disconnected are the store's disconnected mailboxes and when each
	// was disconnected; they stay for the mailbox retention.
	Disconnected map[string]time.Time `json:"disconnected,omitempty"`
	// Hierarchy is a public folder database's copy of the public folder
	// hierarchy; Received when it last took replication from each other
	// public folder database, by identity (publicfolder.go).
	Hierarchy []*PublicFolder      `json:"hierarchy,omitempty"`
	Received  map[string]time.Time `json:"received,omitempty"`
	// Replicated is when it last sent its replication: the next cycle is
	// one replication interval after it (after Created, before the first).
	Replicated time.Time `json:"replicated,omitzero"`
	// Queues are a queue database's queues that hold mail or have
	// failed, by name.
	Queues map[string]*QueueState `json:"queues,omitempty"`
}

func ReadCatalog(e *ese.File) (*Catalog, error) {
	pg, ok, err := e.ReadPage(1)
	if err != nil {
		return nil, err
	}
	cat := &Catalog{Identity: e.Hdr.Identity}
	if ok && len(pg.Payload) > 0 {
		if err := jsonread.Unmarshal(pg.Payload, cat); err != nil {
			return nil, fmt.Errorf("the catalog page is unreadable: %w", err)
		}
	}
	return cat, nil
}

// ItemsAtRisk estimates how many items the failing pages held, from the
// records still recognisable in their bytes: what a repair that discards
// them would lose.
func ItemsAtRisk(e *ese.File, bad []uint32) int {
	n := 0
	var p []byte
	for _, pg := range bad {
		if pg == 0 {
			continue
		}
		if p == nil {
			p = make([]byte, ese.PageSize)
		}
		if _, err := e.ReadAt(p, int64(pg)*ese.PageSize); err != nil {
			continue
		}
		size := min(int(binary.LittleEndian.Uint16(p[24:])), ese.MaxPayload)
		n += recordsIn(p[ese.PageHeaderSize : ese.PageHeaderSize+size])
	}
	return n
}

// recordFields are keys every item record holds once (quotes inside a
// JSON string are escaped, so their raw bytes appear nowhere else).
var recordFields = [][]byte{[]byte(`"id":`), []byte(`"mb":`), []byte(`"f":`), []byte(`"s":`), []byte(`"from":`), []byte(`"t":`), []byte(`"b":`)}

// recordsIn counts the newline-terminated records of a page's payload
// whatever damage overwrote some of its bytes: a record whose start is
// gone still ends in its newline, and two records whose newline is gone
// still hold each field twice; damage, a few bytes, spoils at most two
// of a record's seven fields.
func recordsIn(payload []byte) int {
	n := 0
	for _, seg := range bytes.Split(payload, []byte{'\n'}) {
		if len(bytes.TrimSpace(seg)) == 0 {
			continue
		}
		most := 1
		for _, f := range recordFields {
			most = max(most, bytes.Count(seg, f))
		}
		n += most
	}
	return n
}

// QueueState is what the queue database's catalog keeps of a queue.
type QueueState struct {
	Status    string    `json:"status"` // Ready, Active, Retry, Suspended
	LastError string    `json:"last_error,omitempty"`
	NextRetry time.Time `json:"next_retry,omitzero"`
	// Waiting are the databases whose delivery failed: their messages
	// wait for the next retry while the queue delivers to the others.
	Waiting []string `json:"waiting,omitempty"`
}

// Service is a server's Information Store service: which databases it has
// mounted, and the signature of the file it attached for each. It is the
// state a running service holds; a crash or a lost server loses it.
type Service struct {
	Mounted map[string]uint64 `json:"mounted"` // identity key -> database signature
	// Flushed is, per mounted database, the log generation its header
	// was last brought up to (attach, checkpoint): an older copy of the
	// same file put in its place by hand records an older one, and is not
	// the file the store has attached.
	Flushed map[string]uint32 `json:"flushed,omitempty"`
}

func MountKey(id org.Identity) string { return id.Key() }

// IsMounted is the one rule for "mounted": the store attached this very
// file (its signature) and the file's header says it is attached.
func (s *Service) IsMounted(id org.Identity, hdr *ese.Header) bool {
	return s != nil && s.Mounted[MountKey(id)] == hdr.Signature && hdr.State == org.StateDirty &&
		hdr.LogRequired.Low >= s.Flushed[MountKey(id)]
}

// Attached records what the store Attached: the file's signature and
// the generation its header is brought up to.
func (s *Service) Attached(id org.Identity, hdr *ese.Header) {
	s.Mounted[MountKey(id)] = hdr.Signature
	if s.Flushed == nil {
		s.Flushed = map[string]uint32{}
	}
	s.Flushed[MountKey(id)] = hdr.LogRequired.Low
}

// Detached forgets a database the store let go of.
func (s *Service) Detached(id org.Identity) {
	delete(s.Mounted, MountKey(id))
	delete(s.Flushed, MountKey(id))
}

// Disconnect marks a mailbox disconnected at a time, as Clean-MailboxDatabase
// or a removed directory object does; it stays for the mailbox retention.
func (v *View) Disconnect(alias string, at time.Time) error {
	i := slices.IndexFunc(v.Cat.Mailboxes, func(m string) bool { return strings.EqualFold(m, alias) })
	if i < 0 {
		return fmt.Errorf("the store holds no mailbox %s", alias)
	}
	if v.Cat.Disconnected == nil {
		v.Cat.Disconnected = map[string]time.Time{}
	}
	if _, done := v.Cat.Disconnected[v.Cat.Mailboxes[i]]; !done {
		v.Cat.Disconnected[v.Cat.Mailboxes[i]] = at
		v.Changed[1] = true
	}
	return nil
}
