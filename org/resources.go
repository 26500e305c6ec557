package org

import (
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// Decl records where a resource was declared, so that every later stage can
// cite the configuration. A live resource read from a provider has a zero
// Decl.
type Decl struct {
	Range     hcl.Range       // the block's header
	Attrs     AttrRanges      // each attribute that was set
	Sensitive map[string]bool // attributes whose value came from a sensitive variable
	Secrets   []string        // their values as exdr writes them (20d, 20.00:00:00): renderings redact them
	DependsOn []Address       // depends_on and the resources its expressions refer to
}

// AttrRanges are the attributes a block set, each with its value's range.
// A list, not a map: a block sets a dozen at most, found as fast by a
// scan, and a configuration cached for 10,000 databases decoded half its
// allocations into a map per resource.
type AttrRanges []AttrRange

// AttrRange is one attribute that was set, by name (a nested block's
// prefixed, as "recovery.allow_data_loss").
type AttrRange struct {
	Name  string
	Range hcl.Range
}

// Lookup is the range of the attribute's value, if it was set.
func (a AttrRanges) Lookup(name string) (hcl.Range, bool) {
	for i := range a {
		if a[i].Name == name {
			return a[i].Range, true
		}
	}
	return hcl.Range{}, false
}

// Put records the attribute's range; one set again keeps the newer.
func (a *AttrRanges) Put(name string, r hcl.Range) {
	for i := range *a {
		if (*a)[i].Name == name {
			(*a)[i].Range = r
			return
		}
	}
	*a = append(*a, AttrRange{Name: name, Range: r})
}

// Set reports whether the configuration set the attribute.
func (d *Decl) Set(attr string) bool {
	_, ok := d.Attrs.Lookup(attr)
	return ok
}

// AttrRange is the range of an attribute's value, or the block's header if
// the attribute was not set.
func (d *Decl) AttrRange(attr string) hcl.Range {
	if r, ok := d.Attrs.Lookup(attr); ok {
		return r
	}
	return d.Range
}

// Server is an Exchange server.
type Server struct {
	Addr    Address
	Decl    Decl
	Name    string // the computer name, 1-15 characters
	Roles   Roles
	Site    string // the Active Directory site; empty when not managed
	Edition Edition
	Edge    *EdgeSettings // only on a server with the edge_transport role
	// ClusterNodes are the nodes of a clustered mailbox server (its
	// RedundantMachines), live only: it is recovered as a cluster, never
	// with Setup /m:RecoverServer.
	ClusterNodes []string
	// Cluster is a clustered mailbox server's declaration (desired only).
	Cluster *Cluster
	Health  *ServerHealth // live only
}

func (s *Server) Identity() Identity { return Identity(s.Name) }

// Cluster is a clustered mailbox server's failover cluster, as declared.
type Cluster struct {
	Range hcl.Range
	// Type is "ccr" (cluster continuous replication: two nodes, each
	// with its own copy) or "scc" (single copy cluster: shared storage).
	Type  string
	Nodes []string
	// AutoDatabaseMountDial is what a CCR failover may lose and still
	// mount on its own: "lossless", "good_availability" or
	// "best_availability" (Set-MailboxServer -AutoDatabaseMountDial).
	AutoDatabaseMountDial string
	// ActiveNode is the node the server should run on (desired only):
	// where it runs elsewhere, the plan moves it there in a scheduled
	// outage (Move-ClusteredMailboxServer), once that node's copies
	// are healthy. Empty: wherever it runs.
	ActiveNode string
	// IPAddress is the server's IPv4 address, which Setup /NewCms and
	// /RecoverCMS take (desired only; optional: without it the plan
	// says to give it).
	IPAddress string

	// Live only, where the provider can tell (the lab; the shell reads
	// only RedundantMachines):
	//
	// Active is the node the server runs on now; NodesDown the nodes
	// that do not answer, and NodesFailed those of them whose disks
	// survive; LastFailover the newest move between the nodes.
	Active       string
	NodesDown    []string
	NodesFailed  []string
	LastFailover *Failover
}

// Failover is a clustered mailbox server's move between its nodes, or
// the cluster's attempt at one (To empty: nothing mounted, the copies
// lacking more than AutoDatabaseMountDial allows).
type Failover struct {
	From, To  string
	Time      time.Time
	Scheduled bool // Move-ClusteredMailboxServer, not a node lost
	// Lost is, by storage group name, the log generations its copy
	// never got; Unmounted the storage groups the dial kept dismounted.
	Lost      map[string]int
	Unmounted []string
}

// NodeDown reports whether a node does not answer.
func (c *Cluster) NodeDown(node string) bool {
	return slices.ContainsFunc(c.NodesDown, func(n string) bool { return strings.EqualFold(n, node) })
}

// NodeFailed reports whether a node that does not answer keeps its disks.
func (c *Cluster) NodeFailed(node string) bool {
	return slices.ContainsFunc(c.NodesFailed, func(n string) bool { return strings.EqualFold(n, node) })
}

// Passive is the node the server does not run on, of a two-node cluster.
func (c *Cluster) Passive() string {
	for _, n := range c.Nodes {
		if !strings.EqualFold(n, c.Active) {
			return n
		}
	}
	return ""
}

// The cluster types Exchange 2007 knows.
const (
	ClusterCCR = "ccr"
	ClusterSCC = "scc"
)

// MountDials are AutoDatabaseMountDial's values, as declared, with the
// copy queue length (log generations) each lets a CCR failover lose
// and still mount: Lossless none; GoodAvailability three;
// BestAvailability six ("How to Tune Failover and Mount Settings for
// Cluster Continuous Replication", Exchange 2007 help bc9f85ff).
var MountDials = map[string]int{"lossless": 0, "good_availability": 3, "best_availability": 6}

// DefaultMountDial is AutoDatabaseMountDial where none is set: Exchange's
// default.
const DefaultMountDial = "good_availability"

// EdgeSettings is what a server with the Edge Transport role keeps outside
// Active Directory: its cloned configuration (ExportEdgeConfig.ps1).
type EdgeSettings struct {
	Range        hcl.Range
	ClonedConfig string // path of the export, relative to the configuration
	// File is the export's absolute path; Missing is set when it is not
	// there (desired only).
	File    string
	Missing bool
	// ConfigHash is the SHA-256 of the export (desired) or of the Edge
	// server's configuration as it would export it (live).
	ConfigHash string
	// Paths are the export's transport paths by setting name
	// (MessageTrackingLogPath, ...), which the target server must be able
	// to take (desired only).
	Paths      map[string]string
	Subscribed bool // live: an Edge subscription exists, on both sides
	// SubscriptionUnknown (live) says why whether it is subscribed could
	// not be read; Subscribed is then false.
	SubscriptionUnknown string
	// Fresh (live) is set when the server runs the configuration of a
	// fresh install: rebuilt, and its export not imported yet.
	Fresh bool
}

// StorageGroup is a storage group: databases sharing one log stream.
type StorageGroup struct {
	Addr             Address
	Decl             Decl
	Name             string
	Server           string
	LogFolderPath    string
	SystemFolderPath string
	CircularLogging  bool
	// Recovery is true for a recovery storage group as the live system
	// reports it; configurations declare those with RecoveryStorageGroup.
	Recovery bool
	// Copy is its passive copy, LCR or SCR; nil when it has none.
	Copy   *StandbyCopy
	Health *LogHealth // live only
}

// StandbyCopy is a storage group's passive copy, kept up to date from its
// log stream: local continuous replication (LCR, on the same server at
// Path) or standby continuous replication (SCR, on Machine at the same
// paths), replaying ReplayLag behind.
type StandbyCopy struct {
	Range hcl.Range // the copy attribute or the standby block
	Local bool
	// Cluster is a CCR copy: on the clustered mailbox server's passive
	// node, at the same paths (live only: it comes with the server).
	Cluster   bool
	Path      string // LCR: the copy's logs and database files
	Machine   string // SCR: the standby server
	ReplayLag Duration
	// Failback allows the way back from a copy activated on its standby
	// (SCR): the database returns to its server, in a planned outage.
	// Configuration only.
	Failback bool
	Health   *CopyHealth // live only
}

// Kind names the copy as Exchange does.
func (c *StandbyCopy) Kind() string {
	if c.Local {
		return "LCR"
	}
	if c.Cluster {
		return "CCR"
	}
	return "SCR"
}

// DefaultReplayLag is SCR's ReplayLagTime default; LCR replays at once.
const DefaultReplayLag = Duration(24 * time.Hour)

// MaxReplayLag is the longest ReplayLagTime Exchange accepts.
const MaxReplayLag = Duration(7 * 24 * time.Hour)

// CopyHealth is what Get-StorageGroupCopyStatus shows of a copy.
type CopyHealth struct {
	// Status is SummaryCopyStatus: Healthy, Suspended, Failed,
	// ServiceDown (the copy's machine does not answer), or NotSeeded.
	Status string
	// Stale are the databases whose copy was seeded from a file that is
	// no longer the production one (restored or repaired since): the
	// logs can no longer be replayed into it.
	Stale []Identity
	// LastCopied and LastReplayed are log generations; SourceNewest is
	// the newest the source had when last heard from.
	LastCopied, LastReplayed, SourceNewest uint32
	SourceUp                               bool
	Error                                  string
	// ReplayBehind counts the copied generations older than the replay
	// lag and still not replayed: the copy is behind its declared lag.
	ReplayBehind int
	// ActivatedOn is the standby machine the copy was activated on
	// (Restore-StorageGroupCopy -StandbyMachine, to be mounted there);
	// empty when it was not, or when the provider cannot tell.
	ActivatedOn string
}

// CopyQueue is how many generations the source has that the copy lacks
// (its current, open one included): what is at risk if the source is lost.
func (h *CopyHealth) CopyQueue() int {
	if h.SourceNewest <= h.LastCopied {
		return 0
	}
	return int(h.SourceNewest - h.LastCopied)
}

// ReplayQueue is how many copied generations wait for the replay lag.
func (h *CopyHealth) ReplayQueue() int {
	if h.LastCopied <= h.LastReplayed {
		return 0
	}
	return int(h.LastCopied - h.LastReplayed)
}

func (sg *StorageGroup) Identity() Identity { return Identity(sg.Server).Join(sg.Name) }

// DatabaseKind tells a mailbox database from a public folder database.
type DatabaseKind uint8

const (
	MailboxDB DatabaseKind = iota + 1
	PublicFolderDB
)

// Database is a mailbox or public folder database.
type Database struct {
	Addr         Address
	Decl         Decl
	Kind         DatabaseKind
	Name         string
	StorageGroup Identity // Server\SG
	EdbFilePath  string
	Mounted      bool
	// The settings below are nil when the configuration leaves them to
	// Exchange; the planner then leaves the live value alone.
	AllowFileRestore              *bool
	DeletedItemRetention          *Duration
	MailboxRetention              *Duration // mailbox databases only
	RetainDeletedItemsUntilBackup *bool
	// ReplicationInterval is a public folder database's replication
	// interval (Set-PublicFolderDatabase -ReplicationPeriod).
	ReplicationInterval *Duration
	// FolderReplicas are the public folders this public folder database
	// holds a replica of, by path; nil when the configuration leaves the
	// replica lists alone. Live: read from the hierarchy.
	FolderReplicas []string
	Recovery       RecoveryPolicy
	Health         *DatabaseHealth // live only
}

func (db *Database) Identity() Identity { return db.StorageGroup.Join(db.Name) }

// Server is the server that holds the database.
func (db *Database) Server() string {
	server, _, _ := strings.Cut(string(db.StorageGroup), `\`)
	return server
}

// RecoveryPolicy says how a database may be brought back.
type RecoveryPolicy struct {
	Range hcl.Range
	// RestoreFrom is the newest backup time to restore from; zero means
	// the latest backup, rolled forward with every surviving log.
	RestoreFrom time.Time
	// DialTone gives users an empty database at once while the old data
	// is restored and merged back.
	DialTone bool
	// AllowDataLoss permits steps that discard data (eseutil /p, an empty
	// database over lost files). Never assumed.
	AllowDataLoss bool
}

// RecoveryStorageGroup is the recovery storage group of a server, with the
// recovery database restored into it and the mailboxes merged out of it.
type RecoveryStorageGroup struct {
	Addr             Address
	Decl             Decl
	Name             string
	Server           string
	Database         Identity // the production mailbox database to recover
	LogFolderPath    string
	SystemFolderPath string
	EdbFilePath      string
	RestoreFrom      time.Time // zero: the latest backup
	RestoreMailboxes []RestoreMailbox
	RemoveWhenDone   bool
	Health           *RecoveryHealth // live only
}

// RecoveryHealth is what a live recovery storage group's database shows.
type RecoveryHealth struct {
	DatabaseExists bool // the recovery database object exists
	FileExists     bool
	State          ShutdownState
	Mounted        bool
	// BadPages are the recovery database's pages failing their
	// checksums, as eseutil /k reads them.
	BadPages []uint32
	// Sets are the backup sets last restored into the recovery database
	// (IDs joined with commas, as BackupChain.IDs); empty where the
	// provider cannot tell (Exchange keeps no record of it).
	Sets string
	// Created is the recovery database file's header create time (see
	// DatabaseHealth.Created): after a dial-tone swap the recovery group
	// holds the dial-tone file, created after production's.
	Created time.Time
}

// Merge records a Restore-Mailbox done out of a recovery storage group:
// a live fact, so a finished recovery is not done again.
type Merge struct {
	RecoveryGroup Identity
	Mailbox       string
	Target        string
	TargetFolder  string
	Items         int
	// Validated is a -ValidateOnly run: Items would have been copied,
	// and none was.
	Validated bool
	// Skipped are the corrupted items the run passed over, and
	// BadItemLimit the limit it had.
	Skipped      int
	BadItemLimit int
	// Filter is the run's filters, as providers.MergeFilter writes them.
	Filter string
	// Sets are the backup sets the recovery database held (IDs joined
	// with commas); empty where the provider cannot tell.
	Sets string
}

func (r *RecoveryStorageGroup) Identity() Identity { return Identity(r.Server).Join(r.Name) }

// RestoreMailbox is one Restore-Mailbox run out of a recovery database.
type RestoreMailbox struct {
	Range           hcl.Range
	Mailbox         string // the mailbox in the recovery database
	Target          string // the production mailbox; defaults to Mailbox
	TargetFolder    string // empty: merge into the matching folders
	StartDate       time.Time
	EndDate         time.Time
	SubjectKeywords []string
	SenderKeywords  []string
	// ContentKeywords match the body and the attachments' names;
	// RecipientKeywords the recipients; AttachmentFilenames the
	// attachments' file names, with * and ? as wildcards.
	ContentKeywords     []string
	RecipientKeywords   []string
	AttachmentFilenames []string
	IncludeFolders      []string
	ExcludeFolders      []string
	// BadItemLimit is how many corrupted items the run may skip (each
	// lost) before it fails; 0: none.
	BadItemLimit int
	// ValidateOnly runs Restore-Mailbox -ValidateOnly: the checks, and
	// how many items would be copied, with nothing copied.
	ValidateOnly bool
}

// Mailbox is a user's mailbox and the database it must be connected in.
type Mailbox struct {
	Addr        Address
	Decl        Decl
	Name        string // the alias; empty for a live disconnected mailbox the store names only by display name and GUID
	DisplayName string
	// GUID is the store's MailboxGuid (live only, where the provider
	// reads it): what Connect-Mailbox -Identity takes for a
	// disconnected mailbox, whose alias went with its directory object.
	GUID     string
	Owner    string // the AD account, DOMAIN\user
	Database Identity
	// Per-mailbox retention; nil leaves the mailbox as it is.
	UseDatabaseRetentionDefaults  *bool
	RetainDeletedItemsFor         *Duration
	RetainDeletedItemsUntilBackup *bool
	Health                        *MailboxHealth // live only
}

// MailboxHealth is what the directory and the store show of a mailbox.
type MailboxHealth struct {
	InDirectory bool // its object (and owner) is in Active Directory
	InStore     bool // the database's store holds it
	// Disconnected is when the store disconnected it (Disable-Mailbox,
	// or Clean-MailboxDatabase after its account went); zero while
	// connected. It stays for the mailbox retention, then is purged.
	Disconnected time.Time
}

// QueueDatabase is a transport server's queue database (mail.que).
type QueueDatabase struct {
	Addr          Address
	Decl          Decl
	Server        string
	Path          string // QueueDatabasePath
	LoggingPath   string // QueueDatabaseLoggingPath
	MaxSize       Size   // zero: no limit
	MaxWhitespace Percent
	State         string // "healthy"
	// AllowDataLoss permits a repair that discards messages.
	AllowDataLoss bool
	Health        *QueueHealth // live only
}

// QueueHealth is what a transport server's queue database shows: the
// file's header and pages, as eseutil /mh and /k read them, whether
// MSExchangeTransport runs, and its queues, as Get-Queue lists them.
type QueueHealth struct {
	Running     bool // MSExchangeTransport
	FileExists  bool
	State       ShutdownState
	LogRequired LogRange
	Logs        *LogHealth // the trn log stream
	BadPages    []uint32
	Size        Size
	Pages       int // with any growth still only in the logs
	// Whitespace is the share of the file's pages that hold nothing: what
	// an offline defragmentation would give back.
	Whitespace Percent
	Queues     []*Queue
	// Messages is how many messages the database holds, in every queue;
	// MessagesAtRisk how many of them sit on pages that fail.
	Messages       int
	MessagesAtRisk int
	// BackPressure is the level of the more pressed of the queue
	// database's drives, its file's or its logs' (the lab reads it; nil
	// when not known).
	BackPressure *BackPressure
	// OwnAside is true while the server drains another's queue database,
	// its own set aside until the drain ends.
	OwnAside     bool
	DrainingFrom string // the server whose queue database it holds now
	// MovingTo is the folder a move of the queue database was taking it
	// to when it stopped: some files may be there, some still here. The
	// service must not start before the move ends (it would start a new,
	// empty mail.que).
	MovingTo string
}

// Queue is one queue of a transport server, as Get-Queue shows it.
type Queue struct {
	Identity      string // Server\NextHop, as exdr names it
	DeliveryType  string // MapiDelivery, DnsConnectorDelivery, Undefined, Unreachable
	NextHopDomain string
	Status        string // Active, Ready, Retry, Suspended
	MessageCount  int
	LastError     string
	// Databases are the mailbox databases its messages are for, in
	// order; PerDatabase counts the messages for each.
	Databases   []Identity
	PerDatabase []int
	// NextHopServer is the Edge server a relay queue waits for;
	// NextHopSite the site whose hubs an Edge's queue of mail from the
	// Internet waits for.
	NextHopServer string
	NextHopSite   string
}

// DefaultQueuePath is where Setup puts mail.que.
const DefaultQueuePath = `C:\Program Files\Microsoft\Exchange Server\TransportRoles\data\Queue`

// QueueStates are the values QueueDatabase.State accepts.
var QueueStates = []string{"healthy"}

// BackPressure is the level of a drive a transport server's queue
// database uses, as the transport service rates it: Normal, Medium (mail
// from outside the organization refused) or High (all new mail refused).
type BackPressure struct {
	Level string
	Drive string
	// Logs is true when the drive rated is the one holding the queue
	// database's transaction logs (logging_path), not its file (path).
	Logs bool
	// UsedPercent is the drive's use; HighPercent where the high level
	// starts (medium 2 points below it, normal 4 below).
	UsedPercent, HighPercent float64
}

// BackPressureOf rates a drive of size with free space left, the high
// level starting where only reserve is free; nil for a drive of unknown
// size, which cannot be rated.
func BackPressureOf(drive string, size, free, reserve Size) *BackPressure {
	if size <= 0 {
		return nil
	}
	b := &BackPressure{Level: "Normal", Drive: drive}
	b.UsedPercent = 100 * float64(size-free) / float64(size)
	// A drive no bigger than the reserve is at the high level whatever
	// it holds.
	b.HighPercent = max(0, 100*float64(size-reserve)/float64(size))
	switch {
	case b.UsedPercent >= b.HighPercent:
		b.Level = "High"
	case b.UsedPercent >= b.HighPercent-2:
		b.Level = "Medium"
	}
	return b
}

// Resource names the drive's use: "queue database drive" or "queue
// database logs drive".
func (b *BackPressure) Resource() string {
	if b.Logs {
		return "queue database logs drive"
	}
	return "queue database drive"
}

// Attr is the queue_database attribute that places the files on the
// drive: where a move relieves it.
func (b *BackPressure) Attr() string {
	if b.Logs {
		return "logging_path"
	}
	return "path"
}

// Worse is the higher of two ratings: the transport service refuses
// mail at the level of its most pressed resource.
func Worse(a, b *BackPressure) *BackPressure {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case b.UsedPercent-b.HighPercent > a.UsedPercent-a.HighPercent:
		return b
	}
	return a
}

// Approaching reports whether the drive is within 4 points of the high
// level: back pressure's normal threshold, where check warns.
func (b *BackPressure) Approaching() bool {
	return b != nil && b.UsedPercent >= b.HighPercent-4
}
