package planner

import "github.com/exdr/exdr/org"

// lookups is an org.Index that remembers its last storage group and
// server answers. The planner visits databases in address order, so the
// databases of one storage group come together, and each asks for its
// storage group five or six times (its parent step, its standby, its log
// folder, its restore) and for its server twice: at 100,000 databases
// those lookups, each lower-casing the identity and probing a map too
// large for the processor's caches, were a sixth of the planner's time.
// An answer is remembered only for the identical string, so the index's
// case folding decides as before. The indexes never change once built,
// and a builder runs on one goroutine.
type lookups struct {
	*org.Index
	sgID   org.Identity
	sg     *org.StorageGroup
	sgOK   bool
	server string
	srv    *org.Server
	srvOK  bool
}

func newLookups(ix *org.Index) *lookups { return &lookups{Index: ix} }

// StorageGroup returns the storage group with the identity, or nil.
func (l *lookups) StorageGroup(id org.Identity) *org.StorageGroup {
	if !l.sgOK || id != l.sgID {
		l.sgID, l.sg, l.sgOK = id, l.Index.StorageGroup(id), true
	}
	return l.sg
}

// Server returns the server named name, or nil.
func (l *lookups) Server(name string) *org.Server {
	if !l.srvOK || name != l.server {
		l.server, l.srv, l.srvOK = name, l.Index.Server(name), true
	}
	return l.srv
}
