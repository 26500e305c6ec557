package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// store is a server's Information Store service: which databases it has
// mounted, and the signature of the file it attached for each. It is the
// state a running service holds; a crash or a lost server loses it.
type store struct {
	Mounted map[string]uint64 `json:"mounted"` // identity key -> database signature
	// Flushed is, per mounted database, the log generation its header
	// was last brought up to (attach, checkpoint): an older copy of the
	// same file put in its place by hand records an older one, and is not
	// the file the store has attached.
	Flushed map[string]uint32 `json:"flushed,omitempty"`
}

// databaseAndStore looks a database up with its server's store: what
// mounting, dismounting or writing to it starts from.
func (l *Lab) databaseAndStore(id org.Identity) (*dbContext, *store, error) {
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

func (l *Lab) storePath(server string) string {
	return filepath.Join(l.serverDir(server), "store.json")
}

func (l *Lab) loadStore(server string) (*store, error) {
	s := &store{Mounted: map[string]uint64{}}
	if l.failed(server) {
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
func (l *Lab) updateStore(server string, fn func(*store)) error {
	l.mu.Lock()
	defer l.mu.Unlock()
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

func mountKey(id org.Identity) string { return id.Key() }

// isMounted is the one rule for "mounted": the store attached this very
// file (its signature) and the file's header says it is attached.
func (s *store) isMounted(id org.Identity, hdr *ese.Header) bool {
	return s != nil && s.Mounted[mountKey(id)] == hdr.Signature && hdr.State == org.StateDirty &&
		hdr.LogRequired.Low >= s.Flushed[mountKey(id)]
}

// attached records what the store attached: the file's signature and
// the generation its header is brought up to.
func (s *store) attached(id org.Identity, hdr *ese.Header) {
	s.Mounted[mountKey(id)] = hdr.Signature
	if s.Flushed == nil {
		s.Flushed = map[string]uint32{}
	}
	s.Flushed[mountKey(id)] = hdr.LogRequired.Low
}

// detached forgets a database the store let go of.
func (s *store) detached(id org.Identity) {
	delete(s.Mounted, mountKey(id))
	delete(s.Flushed, mountKey(id))
}

// mounted reports whether the store has a database's file attached now.
func (l *Lab) mounted(c *dbContext) bool {
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
	return st.isMounted(c.db.Identity(), e.Hdr) && pendingRestore(c.path, c.db.Name, e.Hdr.Signature) == nil
}
