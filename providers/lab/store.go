package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/exdr/exdr/org"
)

// store is a server's Information Store service: which databases it has
// mounted, and the signature of the file it attached for each. It is the
// state a running service holds; a crash or a lost server loses it.
type store struct {
	Mounted map[string]uint64 `json:"mounted"` // identity key -> database signature
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
	return writeFileAtomic(l.storePath(server), append(b, '\n'))
}

func mountKey(id org.Identity) string { return id.Key() }

// isMounted is the one rule for "mounted": the store attached this very
// file (its signature) and the file's header says it is attached.
func (s *store) isMounted(id org.Identity, hdr *edbHeader) bool {
	return s != nil && s.Mounted[mountKey(id)] == hdr.Signature && hdr.State == org.StateDirty
}

// mounted reports whether the store has a database's file attached now.
func (l *Lab) mounted(c *dbContext) bool {
	st, err := l.loadStore(c.server)
	if err != nil {
		return false
	}
	e, err := openEDB(c.path, false)
	if err != nil {
		return false
	}
	defer e.Close()
	// A file whose restore is not recovered cannot be attached, whatever
	// signature it carries.
	return st.isMounted(c.db.identity(), e.hdr) && pendingRestore(c.path, c.db.Name, e.hdr.Signature) == nil
}
