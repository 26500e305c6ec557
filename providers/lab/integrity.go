package lab

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// itemsAtRisk estimates how many items the failing pages held, from the
// records still recognisable in their bytes: what a repair that discards
// them would lose.
func itemsAtRisk(e *ese.File, bad []uint32) int {
	n := 0
	p := make([]byte, ese.PageSize)
	for _, pg := range bad {
		if pg == 0 {
			continue
		}
		if _, err := e.Handle.ReadAt(p, int64(pg)*ese.PageSize); err != nil {
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

// integrity is isinteg -fix after a repair: items that no longer parse
// are dropped, and the catalog (its mailboxes, its next item number) is
// rebuilt from the items that remain. A database that needs no fix is
// left alone.
func (l *Lab) integrity(id org.Identity) error {
	c, err := l.database(id)
	if err != nil {
		return err
	}
	e, err := ese.OpenEDB(c.path, true)
	if err != nil {
		return err
	}
	defer e.Close()
	if e.Hdr.State != org.StateClean {
		return fmt.Errorf("the database is not in clean shutdown: recover or repair it before isinteg")
	}
	v, err := loadView(e, c.stream, false)
	if err != nil {
		return err
	}
	fixed := false
	var keep []Item
	for n := uint32(2); n <= v.count; n++ {
		var good [][]byte
		for _, line := range bytes.Split(v.pages[n], []byte{'\n'}) {
			if len(line) == 0 {
				continue
			}
			var it Item
			if json.Unmarshal(line, &it) != nil {
				fixed = true
				continue
			}
			keep = append(keep, it)
			good = append(good, line)
		}
		if fixed {
			payload := append(bytes.Join(good, []byte{'\n'}), '\n')
			if len(good) == 0 {
				payload = nil
			}
			if err := e.WritePage(&ese.Page{Number: n, Signature: e.Hdr.Signature, LSN: v.lsns[n], Payload: payload}); err != nil {
				return err
			}
		}
	}
	mailboxes := slices.Clone(v.cat.Mailboxes)
	var next uint64
	for _, it := range keep {
		if !slices.Contains(mailboxes, it.Mailbox) {
			mailboxes = append(mailboxes, it.Mailbox)
		}
		next = max(next, it.ID)
	}
	if fixed || !slices.Equal(mailboxes, v.cat.Mailboxes) || next > v.cat.NextItem {
		v.cat.Mailboxes, v.cat.NextItem = mailboxes, max(next, v.cat.NextItem)
		b, _ := json.Marshal(v.cat)
		if err := e.WritePage(&ese.Page{Number: 1, Signature: e.Hdr.Signature, LSN: v.lsns[1], Payload: b}); err != nil {
			return err
		}
	}
	return e.Handle.Sync()
}

// defragment is eseutil /d: the items are packed into as few pages as
// they need, in a new file that replaces the old one, which is kept
// aside. A database with no slack is left alone.
func (l *Lab) defragment(ctx context.Context, id org.Identity, progress providers.Progress) error {
	c, err := l.database(id)
	if err != nil {
		return err
	}
	return l.defragmentFile(ctx, c.target(), progress)
}

// defragmentFile is eseutil /d on any database file, a queue database's
// too.
func (l *Lab) defragmentFile(ctx context.Context, c *edbTarget, progress providers.Progress) error {
	e, err := ese.OpenEDB(c.path, false)
	if err != nil {
		return err
	}
	if e.Hdr.State != org.StateClean {
		e.Close()
		return fmt.Errorf("the database is not in clean shutdown: eseutil /d needs a consistent database")
	}
	v, err := loadView(e, c.stream, false)
	if err != nil {
		e.Close()
		return err
	}
	items, err := v.items()
	hdr := *e.Hdr
	e.Close()
	if err != nil {
		return err
	}
	packed := &dbView{sig: hdr.Signature, count: 1, fill: 1, pages: map[uint32][]byte{}, lsns: map[uint32]uint64{}, cat: v.cat, changed: map[uint32]bool{}}
	for _, it := range items {
		if err := packed.deliver(it); err != nil {
			return err
		}
	}
	if packed.count >= hdr.Pages {
		return nil // nothing to reclaim
	}
	if err := l.ensureFree(c.server, c.winPath, int64(packed.count+1)*ese.PageSize*11/10, "eseutil /d (110% of the new file)"); err != nil {
		return err
	}
	tmp := c.path + ".exdr-defrag"
	os.Remove(tmp)
	newHdr := hdr
	newHdr.Pages = packed.count
	var buf bytes.Buffer
	buf.Write(newHdr.Encode())
	cat, _ := json.Marshal(packed.cat)
	buf.Write((&ese.Page{Number: 1, Signature: hdr.Signature, Payload: cat}).Encode())
	for n := uint32(2); n <= packed.count; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		buf.Write((&ese.Page{Number: n, Signature: hdr.Signature, Payload: packed.pages[n]}).Encode())
		if progress != nil {
			progress.Update(int64(n), int64(packed.count), "pages")
		}
	}
	if err := disk.WriteAtomic(tmp, buf.Bytes()); err != nil {
		return err
	}
	// The old file is kept aside while it stays at its path, and the new
	// one renamed over it: no instant leaves the path empty (a kill there
	// once lost the queued mail the new file held).
	if _, err := keepAside(c.path, l.now()); err != nil {
		os.Remove(tmp)
		return err
	}
	if testHookBeforeReplace != nil {
		testHookBeforeReplace(c.path, tmp)
	}
	return os.Rename(tmp, c.path)
}

// testHookBeforeReplace, when set by a test, runs between keeping a file
// aside and renaming its replacement over it.
var testHookBeforeReplace func(path, replacement string)
