package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/exdr/exdr/internal/jsonread"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
)

// databaseAndStore looks a database up with its server's store: what
// mounting, dismounting or writing to it starts from.
func (l *Store) databaseAndStore(id org.Identity) (*DB, *Service, error) {
	c, err := l.Database(id)
	if err != nil {
		return nil, nil, err
	}
	st, err := l.LoadStore(c.Server)
	if err != nil {
		return nil, nil, err
	}
	return c, st, nil
}

func (l *Store) StorePath(server string) string {
	return filepath.Join(l.ServerDir(server), "store.json")
}

func (l *Store) LoadStore(server string) (*Service, error) {
	s := &Service{Mounted: map[string]uint64{}}
	if l.Failed(server) {
		return s, nil // a failed machine has nothing mounted
	}
	b, err := os.ReadFile(l.StorePath(server))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := jsonread.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("the Information Store state %s cannot be read (%v): put it right, or remove it to have the store restart with nothing mounted", l.StorePath(server), err)
	}
	if s.Mounted == nil {
		s.Mounted = map[string]uint64{}
	}
	return s, nil
}

// updateStore changes a server's store state under the process lock.
func (l *Store) updateStore(server string, fn func(*Service)) error {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	s, err := l.LoadStore(server)
	if err != nil {
		return err
	}
	fn(s)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return disk.WriteAtomic(l.StorePath(server), append(b, '\n'))
}

// Mounted reports whether the store has a database's file attached now.
func (l *Store) Mounted(c *DB) bool {
	st, err := l.LoadStore(c.Server)
	if err != nil {
		return false
	}
	e, err := ese.OpenEDB(c.Path, false)
	if err != nil {
		return false
	}
	defer e.Close()
	// A file whose restore is not recovered cannot be attached, whatever
	// signature it carries.
	return st.IsMounted(c.DB.Identity(), e.Hdr) && PendingRestore(c.Path, c.DB.Name, e.Hdr.Signature) == nil
}

// PendingRestore reads restore.env beside a database file: a restore
// begun and not yet recovered, and whether its files are all in place
// (the restored file, whose signature it names, stands at the path).
func PendingRestore(path, name string, hdrSignature uint64) *org.PendingRestore {
	if host.PathElement("", name) != nil {
		return nil
	}
	mk, err := ReadMarker(RestoreMarkerPath(path, name))
	if err != nil || mk.Completed {
		return nil
	}
	return &org.PendingRestore{Sets: mk.Sets, FilesInPlace: mk.Signature != 0 && mk.Signature == hdrSignature}
}

// RestoreMarkerPath is where a restore into the database file at path
// leaves its marker (restore.env).
func RestoreMarkerPath(path, name string) string {
	return filepath.Join(filepath.Dir(path), "exdr-restore-"+name+".json")
}
