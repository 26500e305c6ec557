package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
)

// Repair is eseutil /p: every page that fails its checksum is replaced by
// an empty one, the header is made consistent without the logs, and the
// database gets a new signature, so that no old log can be replayed into
// it. The file is copied aside first. A clean, intact database is left
// alone.
func (l *Store) Repair(ctx context.Context, id org.Identity, progress providers.Progress) error {
	c, err := l.Database(id)
	if err != nil {
		return err
	}
	if l.Mounted(c) {
		return fmt.Errorf("the database is mounted: dismount it before eseutil /p")
	}
	return l.RepairFile(ctx, c.target(), progress)
}

// RepairFile is eseutil /p on any database file, a queue database's too.
func (l *Store) RepairFile(ctx context.Context, c *EDB, progress providers.Progress) error {
	f, err := disk.Open(c.Path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", c.WinPath, err)
	}
	defer f.Close()
	hdr, pages, err := repairHeader(f, c)
	if err != nil {
		return err
	}
	e := &ese.File{Handle: f, Hdr: hdr}
	bad, err := e.Scan()
	if err != nil {
		return err
	}
	if hdr.State == org.StateClean && len(bad) == 0 && pages == nil {
		return nil // nothing to repair
	}
	if st, err := f.Stat(); err == nil {
		// The copy set aside, and eseutil /p's own working space (20%).
		if err := l.EnsureFree(c.Server, c.WinPath, st.Size()*12/10, "eseutil /p with its copy set aside"); err != nil {
			return err
		}
	}
	if _, err := disk.CopyAside(c.Path, l.Now()); err != nil {
		return fmt.Errorf("copy the database aside before repair: %w", err)
	}
	newSig := host.NewSignature()
	isBad := make(map[uint32]bool, len(bad))
	for _, n := range bad {
		isBad[n] = true
	}
	for n := uint32(1); n <= hdr.Pages; n++ {
		if err := ctx.Err(); err != nil {
			return err // the file is copied aside and half-repaired; rerunning finishes it
		}
		if progress != nil {
			progress.Update(int64(n), int64(hdr.Pages), "pages")
		}
		pg := &ese.Page{Number: n, Signature: newSig}
		if !isBad[n] {
			old, ok, err := e.ReadPage(n)
			if err != nil {
				return err
			}
			if ok {
				pg.Payload = old.Payload
			}
		}
		if err := e.WritePage(pg); err != nil {
			return err
		}
	}
	hdr.Signature = newSig
	hdr.State, hdr.LogRequired = org.StateClean, org.LogRange{}
	hdr.RepairCount++
	if err := e.WriteHeader(); err != nil {
		return err
	}
	return f.Sync()
}

// repairHeader reads the header, or rebuilds it from the directory and the
// pages when it is damaged; pages is non-nil when it was rebuilt.
func repairHeader(f *os.File, c *EDB) (*ese.Header, []byte, error) {
	p := make([]byte, ese.PageSize)
	if _, err := io.ReadFull(f, p); err == nil {
		if hdr, err := ese.DecodeHeader(p); err == nil && hdr.LogStream == c.Stream.Sig {
			return hdr, nil, nil
		}
	}
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	n := st.Size()/ese.PageSize - 1
	if n < 1 {
		return nil, nil, fmt.Errorf("%s is too short to hold a database (%d bytes): restore it from a backup", c.WinPath, st.Size())
	}
	// The signature the most pages carry is the database's.
	count := map[uint64]int{}
	buf := make([]byte, ese.PageSize)
	for i := int64(1); i <= n; i++ {
		if _, err := f.ReadAt(buf, i*ese.PageSize); err == nil {
			count[binary.LittleEndian.Uint64(buf[8:])]++
		}
	}
	var sig uint64
	for s, k := range count {
		if k > count[sig] || k == count[sig] && s < sig {
			sig = s
		}
	}
	hdr := &ese.Header{State: org.StateDirty, Kind: c.Kind, Signature: sig, Pages: uint32(n), LogStream: c.Stream.Sig, Identity: c.Identity}
	return hdr, p, nil
}
