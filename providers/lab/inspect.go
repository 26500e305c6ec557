// What one database file says of itself: eseutil /mh's report, every
// page's checksum, and the catalog its store would show.

package lab

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/exdr/exdr/internal/jsonread"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

// inspectDatabase reads a database's header and verifies every page, as
// eseutil /mh and /k would, from one read of the whole file (a file too
// large to hold is read in parts). A database counts as mounted only if
// the store attached this very file and its header says it is attached.
//
// Long on purpose: eseutil /mh's report, field by field, in its order.
func (l *Lab) inspectDatabase(db *ad.Database, sg *ad.StorageGroup, st *store.Service, path string, entry host.Entry, found bool,
	newestLog uint32, logged map[uint64]ese.Record, sv *host.Survey) (*org.DatabaseHealth, *store.Catalog) {
	h := &org.DatabaseHealth{}
	if !found {
		return h, nil
	}
	h.FileExists = true
	if entry.Type()&os.ModeSymlink != 0 {
		return h, nil // refused by the read, by name
	}
	if !entry.Type().IsRegular() {
		// A folder, a FIFO, a device where the file should be: no
		// database, and never opened (a FIFO would wait for a writer).
		h.BadPages = []uint32{0}
		return h, nil
	}
	h.Size = org.Size(entry.Size())
	bp := imageBuffers.Get().(*[]byte)
	defer imageBuffers.Put(bp)
	var e *ese.File
	data, err := disk.ReadWhole(path, *bp, maxImage)
	switch {
	case errors.Is(err, disk.ErrTooLarge):
		e, err = ese.OpenEDB(path, false) // the header alone, as eseutil /mh reads it
	case err == nil:
		*bp = data[:0]
		h.Size = org.Size(len(data))
		e, err = ese.FromBytes(data)
	}
	if errors.Is(err, os.ErrNotExist) {
		h.FileExists, h.Size = false, 0 // gone since the survey
		return h, nil
	}
	if err != nil {
		// An unreadable header makes the whole file unusable: report
		// page 0 as failing, as eseutil reports a damaged header.
		h.BadPages = []uint32{0}
		return h, nil
	}
	defer e.Close()
	hdr := e.Hdr
	if !strings.EqualFold(hdr.Identity, string(db.Identity())) || (sg != nil && !sg.OwnStream(hdr.LogStream, hdr.State == org.StateClean)) {
		h.BadPages = []uint32{0} // another database's file stands at this path
		h.Foreign = hdr.Identity
		if strings.EqualFold(hdr.Identity, string(db.Identity())) {
			h.Foreign = string(db.Identity()) + " of another log stream (a copy from elsewhere)"
		}
		return h, nil
	}
	h.State, h.Pages, h.RepairCount = hdr.State, int(hdr.Pages), int(hdr.RepairCount)
	if hdr.State == org.StateDirty {
		// Recovery replays every generation from the header's low one to
		// the newest on disk.
		h.LogRequired = hdr.LogRequired
		if newestLog > h.LogRequired.High {
			h.LogRequired.High = newestLog
		}
	}
	h.BadPages, _ = e.Scan()
	h.ItemsAtRisk = store.ItemsAtRisk(e, h.BadPages)
	if _, ok := sv.Lookup(store.RestoreMarkerPath(path, db.Name)); ok {
		h.Restore = store.PendingRestore(path, db.Name, hdr.Signature)
	}
	h.LastFull = store.StampTime(hdr.LastFull)
	h.Created = store.StampTime(hdr.Created)
	// A database whose restore is not recovered cannot be mounted, even if
	// the file put in its place carries the signature of one that was.
	h.Mounted = h.Restore == nil && st.IsMounted(db.Identity(), hdr)
	return h, storeCatalog(e, logged[hdr.Signature], h.Mounted)
}

// maxImage is the largest database file a read holds whole in memory
// (one per inspecting goroutine); a larger one is read in parts.
const maxImage = 16 << 20

var imageBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// livePublicFolders is what a public folder database's catalog holds of
// the hierarchy, as Get-PublicFolder on that server shows it.
func livePublicFolders(cat *store.Catalog) *org.PublicFolderStore {
	s := &org.PublicFolderStore{Received: map[string]time.Time{}}
	for _, f := range cat.Hierarchy {
		pf := &org.PublicFolder{Path: f.Path, Changed: f.Changed}
		for _, r := range f.Replicas {
			pf.Replicas = append(pf.Replicas, org.Identity(r))
		}
		s.Hierarchy = append(s.Hierarchy, pf)
	}
	for db, at := range cat.Received {
		s.Received[org.Identity(db).Key()] = at
	}
	return s
}

// storeCatalog is a mailbox or public folder database's catalog as its store sees it: the
// page, or the newer logged image of it for a database in dirty shutdown
// (mounted, or crashed with the change awaiting soft recovery).
func storeCatalog(e *ese.File, logged ese.Record, _ bool) *store.Catalog {
	if len(e.Hdr.Identity) == 0 {
		return nil
	}
	if e.Hdr.State == org.StateDirty && logged.Payload != nil && logged.LSN >= e.Hdr.AttachLSN {
		// The logged image is what the store shows; the page need only be
		// readable, as ReadCatalog would require, not decoded too.
		var newer store.Catalog
		if pageCatalogReadable(e) && jsonread.Unmarshal(logged.Payload[13:], &newer) == nil {
			return &newer
		}
	}
	cat, err := store.ReadCatalog(e)
	if err != nil {
		return nil
	}
	return cat
}

// pageCatalogReadable is whether store.ReadCatalog would read the catalog
// page without an error.
func pageCatalogReadable(e *ese.File) bool {
	pg, ok, err := e.ReadPage(1)
	return err == nil && (!ok || len(pg.Payload) == 0 || json.Valid(pg.Payload))
}
