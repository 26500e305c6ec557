package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// Integrity is isinteg -fix after a repair: items that no longer parse
// are dropped, and the catalog (its mailboxes, its next item number) is
// rebuilt from the items that remain. A database that needs no fix is
// left alone.
func (l *Store) Integrity(id org.Identity) error {
	c, err := l.Database(id)
	if err != nil {
		return err
	}
	e, err := ese.OpenEDB(c.Path, true)
	if err != nil {
		return err
	}
	defer e.Close()
	if e.Hdr.State != org.StateClean {
		return fmt.Errorf("the database is not in clean shutdown: recover or repair it before isinteg")
	}
	v, err := LoadView(e, c.Stream, false)
	if err != nil {
		return err
	}
	fixed := false
	var keep []Item
	for n := uint32(2); n <= v.Count; n++ {
		var good [][]byte
		for _, line := range bytes.Split(v.Pages[n], []byte{'\n'}) {
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
			if err := e.WritePage(&ese.Page{Number: n, Signature: e.Hdr.Signature, LSN: v.LSNs[n], Payload: payload}); err != nil {
				return err
			}
		}
	}
	mailboxes := slices.Clone(v.Cat.Mailboxes)
	var next uint64
	for _, it := range keep {
		if !slices.Contains(mailboxes, it.Mailbox) {
			mailboxes = append(mailboxes, it.Mailbox)
		}
		next = max(next, it.ID)
	}
	if fixed || !slices.Equal(mailboxes, v.Cat.Mailboxes) || next > v.Cat.NextItem {
		v.Cat.Mailboxes, v.Cat.NextItem = mailboxes, max(next, v.Cat.NextItem)
		b, _ := json.Marshal(v.Cat)
		if err := e.WritePage(&ese.Page{Number: 1, Signature: e.Hdr.Signature, LSN: v.LSNs[1], Payload: b}); err != nil {
			return err
		}
	}
	return e.Handle.Sync()
}

// Defragment is eseutil /d: the items are packed into as few pages as
// they need, in a new file that replaces the old one, which is kept
// aside. A database with no slack is left alone.
func (l *Store) Defragment(ctx context.Context, id org.Identity, progress providers.Progress) error {
	c, err := l.Database(id)
	if err != nil {
		return err
	}
	return l.DefragmentFile(ctx, c.target(), progress)
}

// DefragmentFile is eseutil /d on any database file, a queue database's
// too.
func (l *Store) DefragmentFile(ctx context.Context, c *EDB, progress providers.Progress) error {
	e, err := ese.OpenEDB(c.Path, false)
	if err != nil {
		return err
	}
	if e.Hdr.State != org.StateClean {
		e.Close()
		return fmt.Errorf("the database is not in clean shutdown: eseutil /d needs a consistent database")
	}
	v, err := LoadView(e, c.Stream, false)
	if err != nil {
		e.Close()
		return err
	}
	items, err := v.Items()
	hdr := *e.Hdr
	e.Close()
	if err != nil {
		return err
	}
	packed := &View{Sig: hdr.Signature, Count: 1, Fill: 1, Pages: map[uint32][]byte{}, LSNs: map[uint32]uint64{}, Cat: v.Cat, Changed: map[uint32]bool{}}
	for _, it := range items {
		if err := packed.Deliver(it); err != nil {
			return err
		}
	}
	if packed.Count >= hdr.Pages {
		return nil // nothing to reclaim
	}
	if err := l.EnsureFree(c.Server, c.WinPath, int64(packed.Count+1)*ese.PageSize*11/10, "eseutil /d (110% of the new file)"); err != nil {
		return err
	}
	tmp := c.Path + ".exdr-defrag"
	os.Remove(tmp)
	newHdr := hdr
	newHdr.Pages = packed.Count
	var buf bytes.Buffer
	buf.Write(newHdr.Encode())
	cat, _ := json.Marshal(packed.Cat)
	buf.Write((&ese.Page{Number: 1, Signature: hdr.Signature, Payload: cat}).Encode())
	for n := uint32(2); n <= packed.Count; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		buf.Write((&ese.Page{Number: n, Signature: hdr.Signature, Payload: packed.Pages[n]}).Encode())
		if progress != nil {
			progress.Update(int64(n), int64(packed.Count), "pages")
		}
	}
	if err := disk.WriteAtomic(tmp, buf.Bytes()); err != nil {
		return err
	}
	// The old file is kept aside while it stays at its path, and the new
	// one renamed over it: no instant leaves the path empty (a kill there
	// once lost the queued mail the new file held).
	if _, err := disk.KeepAside(c.Path, l.Now()); err != nil {
		os.Remove(tmp)
		return err
	}
	if TestHookBeforeReplace != nil {
		TestHookBeforeReplace(c.Path, tmp)
	}
	return os.Rename(tmp, c.Path)
}

// TestHookBeforeReplace, when set by a test, runs between keeping a file
// aside and renaming its replacement over it.
var TestHookBeforeReplace func(path, replacement string)
