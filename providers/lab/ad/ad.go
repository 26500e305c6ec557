package ad

import (
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
)

// Directory is what Active Directory holds about the organization.
type Directory struct {
	FormatVersion int `json:"format_version"`
	// Checksum is the SHA-256 of the file with this value zeroed: a byte
	// changed outside exdr (a bad disk, a hand) is found, not read as a
	// different organization.
	Checksum string `json:"checksum"`
	// LogGeneration is which records of directory.log follow this file:
	// those written since it was (the lab's host keeps the log).
	LogGeneration int             `json:"log_generation,omitempty"`
	Organization  string          `json:"organization"`
	Servers       []*Server       `json:"servers"`
	StorageGroups []*StorageGroup `json:"storage_groups"`
	Databases     []*Database     `json:"databases"`
	// Mailboxes are the users' AD objects and the database each is homed
	// in (homeMDB); their items live in that database's pages.
	Mailboxes []*Mailbox `json:"mailboxes,omitempty"`
	// Merges records each Restore-Mailbox done out of a recovery storage
	// group, as an administrator's change log would: a recovery is a
	// one-time act, and the record is what says it happened.
	Merges []*Merge `json:"merges,omitempty"`
	// EdgeSubscriptions are the Edge servers subscribed to a site's hubs.
	EdgeSubscriptions []*Subscription `json:"edge_subscriptions,omitempty"`

	index *dirIndex
	track *tracker // the update under way (changes.go)
}

type Subscription struct {
	Edge    string    `json:"edge"`
	Site    string    `json:"site,omitempty"`
	Created time.Time `json:"created"`
}

type Merge struct {
	RecoveryGroup string    `json:"recovery_storage_group"`
	Mailbox       string    `json:"mailbox"`
	Target        string    `json:"target"`
	TargetFolder  string    `json:"target_folder,omitempty"`
	Items         int       `json:"items"`
	Time          time.Time `json:"time"`
	// Validated is a -ValidateOnly run: Items would have been copied.
	Validated bool `json:"validated,omitempty"`
	// Skipped are the corrupted items passed over (-BadItemLimit), and
	// BadItemLimit the limit the run had.
	Skipped      int `json:"skipped,omitempty"`
	BadItemLimit int `json:"bad_item_limit,omitempty"`
	// Filter is the run's filters (providers.MergeFilter).
	Filter string `json:"filter,omitempty"`
	// Sets are the backup sets the recovery database held, joined with
	// commas.
	Sets string `json:"sets,omitempty"`
}

type Mailbox struct {
	Alias    string `json:"alias"`
	Database string `json:"database"`
	Owner    string `json:"owner,omitempty"` // the AD account, DOMAIN\user
	// Per-mailbox retention (Set-Mailbox); UseDatabaseRetentionDefaults
	// is true when nil.
	UseDefaults           *bool  `json:"use_database_retention_defaults,omitempty"`
	RetainDeletedItemsFor string `json:"retain_deleted_items_for,omitempty"`
	RetainUntilBackup     bool   `json:"retain_deleted_items_until_backup,omitempty"`
}

// UseDatabaseDefaults reports whether the mailbox keeps its database's
// retention.
func (m *Mailbox) UseDatabaseDefaults() bool { return m.UseDefaults == nil || *m.UseDefaults }

type Server struct {
	Name    string    `json:"name"`
	Roles   org.Roles `json:"roles"` // msExchCurrentServerRoles
	Site    string    `json:"site,omitempty"`
	Edition string    `json:"edition"`
	// Cluster is set on a clustered mailbox server: the failover
	// cluster it runs on.
	Cluster *Cluster `json:"cluster,omitempty"`
}

// Cluster is a clustered mailbox server's failover cluster: its nodes
// (RedundantMachines) and the node it runs on. The lab keeps here what
// Exchange keeps in the cluster database and the directory.
type Cluster struct {
	Type  string   `json:"type"` // ccr or scc
	Nodes []string `json:"nodes"`
	// Active is the node that owns the clustered mailbox server now:
	// its paths are that node's disks.
	Active string `json:"active"`
	// MountDial is AutoDatabaseMountDial (lossless, good_availability,
	// best_availability): what a failover may lose and still mount.
	MountDial string `json:"auto_database_mount_dial,omitempty"`
	// Failovers are the moves of the server between nodes, newest last:
	// the Application log's MSExchangeRepl events, as the lab keeps them.
	Failovers []*Failover `json:"failovers,omitempty"`
}

// Failover is one move of a clustered mailbox server between its nodes.
type Failover struct {
	From string    `json:"from"`
	To   string    `json:"to"`
	Time time.Time `json:"time"`
	// Scheduled is a Move-ClusteredMailboxServer; otherwise the cluster
	// moved the server after its node was lost.
	Scheduled bool `json:"scheduled,omitempty"`
	// Lost is, per storage group, the log generations the passive copy
	// never got; Unmounted the storage groups whose databases stayed
	// dismounted because that was more than the dial allows.
	Lost      map[string]int `json:"lost,omitempty"`
	Unmounted []string       `json:"unmounted,omitempty"`
	// Why says, for an attempt that moved nothing, what held each
	// storage group back.
	Why []string `json:"why,omitempty"`
}

// Passive is the node a clustered mailbox server does not run on now.
func (c *Cluster) Passive() string {
	for _, n := range c.Nodes {
		if !strings.EqualFold(n, c.Active) {
			return n
		}
	}
	return ""
}

type StorageGroup struct {
	Server           string `json:"server"`
	Name             string `json:"name"`
	LogFolderPath    string `json:"log_folder_path"`
	SystemFolderPath string `json:"system_folder_path"`
	CircularLogging  bool   `json:"circular_logging"`
	Prefix           string `json:"log_file_prefix"`
	Signature        uint64 `json:"log_signature"`
	// Restarted are the signatures of the group's earlier streams that a
	// mount restarted after the log folder was emptied: a clean file of
	// one is still the group's, and is attached to the current stream at
	// its mount.
	Restarted []uint64 `json:"restarted_log_signatures,omitempty"`
	Recovery  bool     `json:"recovery,omitempty"` // New-StorageGroup -Recovery
	// Copy is its LCR or SCR copy (Enable-StorageGroupCopy).
	Copy *Copy `json:"copy,omitempty"`
}

// OwnStream reports whether a database file of the log stream sig, in
// clean shutdown or not, belongs to the group's stream: its current one,
// or, clean, one a mount restarted (Restarted).
func (g *StorageGroup) OwnStream(sig uint64, clean bool) bool {
	return sig == g.Signature || clean && slices.Contains(g.Restarted, sig)
}

type Database struct {
	StorageGroup                  string `json:"storage_group"`
	Name                          string `json:"name"`
	Kind                          string `json:"kind"` // mailbox or public_folder
	EdbFilePath                   string `json:"edb_file_path"`
	AllowFileRestore              bool   `json:"allow_file_restore"`
	DeletedItemRetention          string `json:"deleted_item_retention"`
	MailboxRetention              string `json:"mailbox_retention,omitempty"`
	RetainDeletedItemsUntilBackup bool   `json:"retain_deleted_items_until_backup"`
	// ReplicationPeriod is a public folder database's replication
	// interval (Set-PublicFolderDatabase -ReplicationPeriod); empty is
	// the default, 15 minutes.
	ReplicationPeriod string `json:"replication_period,omitempty"`
	// RecoveryOf is the production database a recovery database recovers
	// (New-MailboxDatabase -MailboxDatabaseToRecover).
	RecoveryOf string `json:"mailbox_database_to_recover,omitempty"`
	// RestoredSets are the backup sets last restored into a recovery
	// database, in chain order: what it holds.
	RestoredSets []string `json:"restored_sets,omitempty"`
}

func (d *Database) Identity() org.Identity { return org.Identity(d.StorageGroup).Join(d.Name) }

// The lookups below ignore case, as Active Directory does. The index is
// built on first use and kept up to date by the add methods.
type dirIndex struct {
	servers map[string]*Server
	groups  map[string]*StorageGroup
	dbs     map[string]*Database
}

func (d *Directory) ix() *dirIndex {
	if d.index != nil {
		return d.index
	}
	ix := &dirIndex{servers: map[string]*Server{}, groups: map[string]*StorageGroup{}, dbs: map[string]*Database{}}
	for _, s := range d.Servers {
		ix.servers[org.Identity(s.Name).Key()] = s
	}
	for _, sg := range d.StorageGroups {
		ix.groups[org.Identity(sg.Server).Join(sg.Name).Key()] = sg
	}
	for _, db := range d.Databases {
		ix.dbs[db.Identity().Key()] = db
	}
	d.index = ix
	return ix
}

// Server, StorageGroup and Database return the object, which an update
// under way then writes whole (changes.go): what a lookup returns may be
// changed.
func (d *Directory) Server(name string) *Server {
	s := d.ix().servers[org.Identity(name).Key()]
	if s != nil {
		d.touch(listServers, s)
	}
	return s
}

func (d *Directory) StorageGroup(id org.Identity) *StorageGroup {
	sg := d.ix().groups[id.Key()]
	if sg != nil {
		d.touch(listStorageGroups, sg)
	}
	return sg
}

func (d *Directory) Database(id org.Identity) *Database {
	db := d.ix().dbs[id.Key()]
	if db != nil {
		d.touch(listDatabases, db)
	}
	return db
}

func (d *Directory) AddServer(s *Server) {
	before := headerOf(d.Servers)
	d.Servers = append(d.Servers, s)
	d.appended(listServers, before, headerOf(d.Servers))
	d.touch(listServers, s)
	d.ix().servers[org.Identity(s.Name).Key()] = s
}

func (d *Directory) AddStorageGroup(sg *StorageGroup) {
	before := headerOf(d.StorageGroups)
	d.StorageGroups = append(d.StorageGroups, sg)
	d.appended(listStorageGroups, before, headerOf(d.StorageGroups))
	d.touch(listStorageGroups, sg)
	d.ix().groups[org.Identity(sg.Server).Join(sg.Name).Key()] = sg
}

func (d *Directory) AddDatabase(db *Database) {
	before := headerOf(d.Databases)
	d.Databases = append(d.Databases, db)
	d.appended(listDatabases, before, headerOf(d.Databases))
	d.touch(listDatabases, db)
	d.ix().dbs[db.Identity().Key()] = db
}

// Copy is a storage group's copy as the directory holds it.
type Copy struct {
	Local bool `json:"local,omitempty"`
	// Cluster is the copy of cluster continuous replication (CCR): on
	// the clustered mailbox server's passive node, at the same paths.
	Cluster bool `json:"cluster,omitempty"`
	// NewSeed marks a CCR copy to begin at its database's first mount:
	// Exchange builds a new storage group's copy from its first logs.
	NewSeed   bool   `json:"new_seed,omitempty"`
	Path      string `json:"path,omitempty"`
	Machine   string `json:"machine,omitempty"`
	ReplayLag string `json:"replay_lag,omitempty"`
}

// Reindex forgets the lookup index after objects were removed from the
// lists by hand; the next lookup builds it again.
func (d *Directory) Reindex() { d.index = nil }
