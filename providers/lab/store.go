package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/backup"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

// databaseAndStore looks a database up with its server's store: what
// mounting, dismounting or writing to it starts from.
func (l *Store) databaseAndStore(id org.Identity) (*dbContext, *store.Service, error) {
	c, err := l.database(id)
	if err != nil {
		return nil, nil, err
	}
	st, err := l.loadStore(c.server)
	if err != nil {
		return nil, nil, err
	}
	return c, st, nil
}

func (l *Store) storePath(server string) string {
	return filepath.Join(l.ServerDir(server), "store.json")
}

func (l *Store) loadStore(server string) (*store.Service, error) {
	s := &store.Service{Mounted: map[string]uint64{}}
	if l.Failed(server) {
		return s, nil // a failed machine has nothing mounted
	}
	b, err := os.ReadFile(l.storePath(server))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("the Information Store state %s cannot be read (%v): put it right, or remove it to have the store restart with nothing mounted", l.storePath(server), err)
	}
	if s.Mounted == nil {
		s.Mounted = map[string]uint64{}
	}
	return s, nil
}

// updateStore changes a server's store state under the process lock.
func (l *Store) updateStore(server string, fn func(*store.Service)) error {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	s, err := l.loadStore(server)
	if err != nil {
		return err
	}
	fn(s)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return disk.WriteAtomic(l.storePath(server), append(b, '\n'))
}

// mounted reports whether the store has a database's file attached now.
func (l *Store) mounted(c *dbContext) bool {
	st, err := l.loadStore(c.server)
	if err != nil {
		return false
	}
	e, err := ese.OpenEDB(c.path, false)
	if err != nil {
		return false
	}
	defer e.Close()
	// A file whose restore is not recovered cannot be attached, whatever
	// signature it carries.
	return st.IsMounted(c.db.Identity(), e.Hdr) && pendingRestore(c.path, c.db.Name, e.Hdr.Signature) == nil
}

// pendingRestore reads restore.env beside a database file: a restore
// begun and not yet recovered, and whether its files are all in place
// (the restored file, whose signature it names, stands at the path).
func pendingRestore(path, name string, hdrSignature uint64) *org.PendingRestore {
	if host.PathElement("", name) != nil {
		return nil
	}
	mk, err := backup.ReadMarker(filepath.Join(filepath.Dir(path), "exdr-restore-"+name+".json"))
	if err != nil || mk.Completed {
		return nil
	}
	return &org.PendingRestore{Sets: mk.Sets, FilesInPlace: mk.Signature != 0 && mk.Signature == hdrSignature}
}
