package org

import (
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// Org is an Exchange organization: what a configuration declares, or what a
// provider found. Resources are kept sorted by address.
type Org struct {
	Name       string // the Exchange organization name
	Objectives Objectives
	Provider   ProviderConfig
	// Backend is where the lock, the journal and the run history are
	// kept: Type "" (files beside the provider's data) or "pg".
	Backend BackendConfig

	Servers                []*Server
	StorageGroups          []*StorageGroup
	Databases              []*Database // mailbox and public folder databases
	RecoveryStorageGroups  []*RecoveryStorageGroup
	Mailboxes              []*Mailbox
	QueueDatabases         []*QueueDatabase
	DeclRange, ObjectRange hcl.Range // where the exdr block and its objectives are

	// Backups is the provider's backup catalog, oldest first: live only.
	Backups []*BackupSet
	// Throughput is what the provider measured its long steps doing, in
	// units a second by verb (bytes; log generations for replays): live
	// only, empty until measured.
	Throughput map[string]float64
	// Merges are the Restore-Mailbox runs done so far: live only.
	Merges []*Merge
	// Now is the live system's time when it was read (the lab keeps its
	// own clock): live only, zero when unknown.
	Now time.Time
	// SettingsSecrets are the exdr block's values from sensitive
	// variables (the organization's name, an objective), as Decl.Secrets.
	SettingsSecrets []string
}

// Objectives are what a recovery is measured against.
type Objectives struct {
	RTO Duration // recovery time objective: disaster to service restored
	RPO Duration // recovery point objective: the newest data that may be lost
}

// ProviderConfig selects and configures the provider that reads and changes
// the live organization.
type ProviderConfig struct {
	Range hcl.Range
	Type  string // "lab" or "ems"
	Path  string // lab: the directory of the simulated organization
	// ems: the shell to run (powershell.exe), the domain controller every
	// cmdlet reads and writes through, and how backups are restored
	// ("manual": by a person with the site's backup software).
	PowerShell, DomainController, BackupRestore string
	// BackupMethod is how the site's backups are taken, which decides
	// the recovery after a restore: "streaming" (restore.env, hard
	// recovery with eseutil /cc) or "vss" (soft recovery).
	BackupMethod string
}

// BackendConfig is the exdr block's backend block.
type BackendConfig struct {
	Range hcl.Range
	Type  string // "pg", or "" for the local files
	// ConnStr is PostgreSQL's connection string as the configuration
	// gives it, never with a password; empty means EXDR_PG_CONN_STR.
	ConnStr string
}

// Index looks resources up by Exchange identity, ignoring case as
// Exchange does. Build it once with NewIndex after the Org is complete; it
// does not see later changes.
type Index struct {
	servers       map[string]*Server
	storageGroups map[string]*StorageGroup
	databases     map[string]*Database
	queues        map[string]*QueueDatabase
}

// NewIndex indexes the organization's servers, storage groups and
// databases. Where two resources share an identity the first one wins;
// package lang reports such duplicates.
func NewIndex(o *Org) *Index {
	ix := &Index{
		servers:       make(map[string]*Server, len(o.Servers)),
		storageGroups: make(map[string]*StorageGroup, len(o.StorageGroups)),
		databases:     make(map[string]*Database, len(o.Databases)),
		queues:        make(map[string]*QueueDatabase, len(o.QueueDatabases)),
	}
	for _, q := range o.QueueDatabases {
		putFirst(ix.queues, Identity(q.Server).Key(), q)
	}
	for _, s := range o.Servers {
		putFirst(ix.servers, s.Identity().Key(), s)
	}
	for _, sg := range o.StorageGroups {
		putFirst(ix.storageGroups, sg.Identity().Key(), sg)
	}
	for _, db := range o.Databases {
		putFirst(ix.databases, db.Identity().Key(), db)
	}
	return ix
}

func putFirst[T any](m map[string]T, key string, v T) {
	if _, dup := m[key]; !dup {
		m[key] = v
	}
}

// Server returns the server named name, or nil.
func (ix *Index) Server(name string) *Server { return byKey(ix.servers, name) }

// StorageGroup returns the storage group with the identity, or nil.
func (ix *Index) StorageGroup(id Identity) *StorageGroup { return byKey(ix.storageGroups, string(id)) }

// Database returns the database with the identity, or nil.
func (ix *Index) Database(id Identity) *Database { return byKey(ix.databases, string(id)) }

// QueueDatabase returns the queue database of a server, or nil.
func (ix *Index) QueueDatabase(server string) *QueueDatabase { return byKey(ix.queues, server) }

// byKey is m[Identity(id).Key()] without building the key on the heap: a
// plan looks up tens of thousands of identities, and lower-casing each
// into a new string was a seventh of the planner's time. An identity
// that is not ASCII is folded by Key itself, whose Unicode rules it
// shares.
func byKey[T any](m map[string]T, id string) T {
	var room [96]byte
	b := room[:0]
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c >= 0x80 {
			return m[Identity(id).Key()]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return m[string(b)]
}

// Sort puts every resource list in address order.
func (o *Org) Sort() {
	slices.SortFunc(o.Servers, func(a, b *Server) int { return a.Addr.Compare(b.Addr) })
	slices.SortFunc(o.StorageGroups, func(a, b *StorageGroup) int { return a.Addr.Compare(b.Addr) })
	slices.SortFunc(o.Databases, func(a, b *Database) int { return a.Addr.Compare(b.Addr) })
	slices.SortFunc(o.RecoveryStorageGroups, func(a, b *RecoveryStorageGroup) int { return a.Addr.Compare(b.Addr) })
	slices.SortFunc(o.Mailboxes, func(a, b *Mailbox) int { return a.Addr.Compare(b.Addr) })
	slices.SortFunc(o.QueueDatabases, func(a, b *QueueDatabase) int { return a.Addr.Compare(b.Addr) })
}

// SameOrganization reports whether two organization names are one
// organization's, compared as exdr compares every Exchange name (and as
// the pg backend keys its rows): case folded with strings.ToLower.
func SameOrganization(a, b string) bool { return Identity(a).Key() == Identity(b).Key() }

// AnotherOrganizationError is the refusal to act on an organization
// other than the configuration's.
type AnotherOrganizationError struct{ Configured, Found, Where string }

func (e *AnotherOrganizationError) Error() string {
	return fmt.Sprintf("the configuration is of the organization %q, but %s holds the organization %q: it points at another one, and exdr changes nothing there. "+
		"Point it at %s, or correct organization if it is mistyped", e.Configured, e.Where, e.Found, e.Configured)
}

// Secrets are the values every resource's configuration took from
// sensitive variables (Decl.Secrets), each once.
func (o *Org) Secrets() []string {
	out := append([]string(nil), o.SettingsSecrets...)
	add := func(d *Decl) { out = append(out, d.Secrets...) }
	for _, r := range o.Servers {
		add(&r.Decl)
	}
	for _, r := range o.StorageGroups {
		add(&r.Decl)
	}
	for _, r := range o.Databases {
		add(&r.Decl)
	}
	for _, r := range o.RecoveryStorageGroups {
		add(&r.Decl)
	}
	for _, r := range o.Mailboxes {
		add(&r.Decl)
	}
	for _, r := range o.QueueDatabases {
		add(&r.Decl)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
