package lab

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

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

// dbView is a database's content as the Information Store sees it: the
// pages, with the logged changes not yet written to them applied in
// memory. Pages 2 and up hold items, one JSON object a line.
type dbView struct {
	sig     uint64
	count   uint32            // data pages
	pages   map[uint32][]byte // payloads
	lsns    map[uint32]uint64
	cat     *catalog
	changed map[uint32]bool
	pending int // logged changes not yet in the pages
	// fill is the page new items go to: the last page holding items (1
	// when none does). Pages fill in order, so items keep theirs.
	fill uint32
}

// loadView reads every page of e and, if withLog, overlays the logged
// changes from the header's required generation on. A page failing its
// checksum stops it: the store would fail on it too (JET -1018).
func loadView(e *ese.File, s *ese.Stream, withLog bool) (*dbView, error) {
	v := &dbView{sig: e.Hdr.Signature, count: e.Hdr.Pages, pages: map[uint32][]byte{}, lsns: map[uint32]uint64{}, changed: map[uint32]bool{}}
	for n := uint32(1); n <= e.Hdr.Pages; n++ {
		pg, ok, err := e.ReadPage(n)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("page %d fails its checksum (JET -1018)", n)
		}
		v.pages[n], v.lsns[n] = pg.Payload, pg.LSN
	}
	if withLog && e.Hdr.State == org.StateDirty && e.Hdr.LogRequired.Low > 0 {
		err := s.Replay(e.Hdr.LogRequired.Low, func(r ese.Record) error {
			p := r.Payload
			if len(p) < 13 || p[0] != ese.RecPageImage || binary.LittleEndian.Uint64(p[1:]) != v.sig {
				return nil
			}
			n := binary.LittleEndian.Uint32(p[9:])
			if n == 0 || r.LSN < e.Hdr.AttachLSN || v.lsns[n] >= r.LSN && n <= e.Hdr.Pages {
				return nil
			}
			v.pages[n], v.lsns[n] = bytes.Clone(p[13:]), r.LSN
			v.count = max(v.count, n)
			v.pending++
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	v.fill = 1
	for n := uint32(2); n <= v.count; n++ {
		if len(v.pages[n]) > 0 {
			v.fill = n
		}
	}
	v.cat = &catalog{Identity: e.Hdr.Identity}
	if b := v.pages[1]; len(b) > 0 {
		if err := json.Unmarshal(b, v.cat); err != nil {
			return nil, fmt.Errorf("the catalog page is unreadable: %w", err)
		}
	}
	return v, nil
}

// items returns every item, in page order.
func (v *dbView) items() ([]Item, error) {
	var out []Item
	for n := uint32(2); n <= v.count; n++ {
		for _, line := range bytes.Split(v.pages[n], []byte{'\n'}) {
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

func (v *dbView) addMailbox(name string) {
	if !slices.Contains(v.cat.Mailboxes, name) {
		v.cat.Mailboxes = append(v.cat.Mailboxes, name)
		v.changed[1] = true
	}
}

// deliver puts an item on the last page with room, or on a new page.
func (v *dbView) deliver(it Item) error {
	if it.ID == 0 {
		if v.cat.NextItem == 0 {
			// Each database numbers its items in a range of its own, so
			// items from two databases (a dial-tone one and the restored
			// one, say) never share an ID when merged.
			v.cat.NextItem = (v.sig & 0xffffff) << 24
		}
		v.cat.NextItem++
		it.ID = v.cat.NextItem
		v.changed[1] = true
	}
	b, err := json.Marshal(it)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if len(b) > ese.MaxPayload {
		return fmt.Errorf("item %d is %d bytes, more than a page holds", it.ID, len(b))
	}
	n := v.fill
	if n < 2 || len(v.pages[n])+len(b) > ese.MaxPayload {
		n = max(v.fill+1, 2)
		v.count = max(v.count, n)
	}
	v.fill = n
	v.pages[n] = append(v.pages[n], b...)
	v.changed[n] = true
	return nil
}

// rewrite runs keep on every item, dropping those it returns false for
// and rewriting the pages where it dropped or changed anything. It
// returns how many items it dropped.
func (v *dbView) rewrite(keep func(it *Item) bool) int {
	dropped := 0
	// Items that grew past their page's room move to the end, as a
	// page split would move them.
	var spilled []Item
	for n := uint32(2); n <= v.count; n++ {
		var out []byte
		changed := false
		for _, line := range bytes.Split(v.pages[n], []byte{'\n'}) {
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
			v.pages[n] = out
			v.changed[n] = true
		}
	}
	for _, it := range spilled {
		v.deliver(it) // an item fits an empty page: deliver checked it when it came
	}
	return dropped
}

// commit writes every changed page to the log as a page image: the pages
// themselves get them at the next checkpoint.
func (v *dbView) commit(s *ese.Stream) error {
	if len(v.changed) == 0 {
		return nil
	}
	cat, err := json.Marshal(v.cat)
	if err != nil {
		return err
	}
	v.pages[1] = cat
	nums := make([]uint32, 0, len(v.changed))
	for n := range v.changed {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	recs := make([][]byte, 0, len(nums))
	for _, n := range nums {
		recs = append(recs, ese.PageRecord(v.sig, n, v.pages[n]))
	}
	_, err = s.Append(recs...)
	clear(v.changed)
	return err
}
