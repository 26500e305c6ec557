package host

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// Host is the ground the lab stands on: the folder it lives in, each
// server's machine and disks, the directory file they share, the log
// streams' locks and the lab's clock. Its methods are
// safe for concurrent use within one process; across processes, the
// organization's lock (package backend, kept in the lab's directory)
// keeps one run at a time.
type Host struct {
	root         string
	organization string     // for a lab created on first use
	Mu           sync.Mutex // directory.json, the cache below, and the stores' files

	// cached is the directory as last read or written, with the files'
	// modification times and sizes then: a change on disk reloads it.
	cached      *ad.Directory
	cachedBase  fileStamp
	cachedLog   fileStamp
	logGood     int64 // the log's bytes up to its last whole record
	deferSaves  bool  // within Batch
	unsavedDirs bool

	streamMu sync.Mutex
	streams  map[string]*sync.Mutex // per log folder: appends and replays

	realDirs sync.Map // folders checkInside found to be no link
	treeOnce sync.Once
	treeErr  error // what checkTree found

	// afterLogs runs the replication service once logs have been written
	// (traffic, backups, clock moves): set by the lab.
	AfterLogs func() error

	now    func() time.Time
	offset time.Duration // the lab clock's lead over real time

	// onNode maps each clustered mailbox server (by lower-case name) to
	// the node it runs on, from the directory as last read or changed:
	// its paths are that node's disks.
	onNode atomic.Pointer[map[string]string]
}

// NewHost returns the host of the lab at root without touching the disk.
func NewHost(root, organization string) *Host {
	l := &Host{root: root, organization: organization, streams: map[string]*sync.Mutex{}}
	l.offset = l.loadOffset()
	l.now = func() time.Time { return time.Now().Add(l.offset) }
	return l
}

// SetupWatermark is where a lab server keeps Setup's progress while it
// runs: Exchange's Watermark registry value.
func (l *Host) SetupWatermark(server string) string {
	return filepath.Join(l.DisksDir(server), "C", ".exdr-setup-watermark")
}

// The lab's clock is real time plus an offset that "exdr lab clock" moves
// forward, so that retention windows can pass in a drill. Everything the
// lab stamps (mail, deletions, backups, logs) is on this clock.
const clockFile = "clock.json"

type clockState struct {
	Offset time.Duration `json:"offset_ns"`
}

func (l *Host) loadOffset() time.Duration {
	var c clockState
	if b, err := os.ReadFile(filepath.Join(l.root, clockFile)); err == nil {
		json.Unmarshal(b, &c)
	}
	return c.Offset
}

// Now is the lab's time.
func (l *Host) Now() time.Time { return l.now() }

// MachineUp reports whether a server's machine runs.
func (l *Host) MachineUp(server string) bool {
	_, err := os.Stat(l.DisksDir(server))
	return err == nil && !l.Failed(server)
}

// DirectoryFile is the lab's Active Directory.
const DirectoryFile = "directory.json"

// Exists reports whether a lab has been created at root.
func Exists(root string) bool {
	_, err := os.Stat(filepath.Join(root, DirectoryFile))
	return err == nil
}

// Ensure creates the lab on first use.
func (l *Host) Ensure() error {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	if Exists(l.root) {
		return nil
	}
	if err := l.NotALab(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(l.root, "servers"), 0o755); err != nil {
		return err
	}
	return l.saveDirectory(&ad.Directory{FormatVersion: formatVersion, Organization: l.organization})
}

// formatVersion is the layout of the lab's files this exdr reads and
// writes, stamped in directory.json. 2: directory.json carries its
// checksum. 3: changes since directory.json was written are in
// directory.log (directory.go). A lab of format 2 is read as one with an
// empty log.
const formatVersion = 3

// noChecksum stands in for the checksum while it is computed.
var noChecksum = strings.Repeat("0", 64)

// ownFiles are what exdr keeps in a lab's folder besides the lab itself:
// the lock and the journal (package backend), unreadable locks set
// aside, and the temporary file of a first write of the directory that
// a kill stopped before its rename.
func ownFile(name string) bool {
	return name == "lock.json" || name == "journal.jsonl" || strings.HasPrefix(name, "lock.json.") || strings.HasPrefix(name, ".lock.json.tmp") ||
		strings.HasPrefix(name, "."+DirectoryFile+".tmp")
}

// NotALab refuses to make a lab where one cannot be: a folder whose
// directory (directory.json) is gone while its servers' disks remain, and
// a folder that holds something else.
func (l *Host) NotALab() error {
	entries, err := os.ReadDir(l.root)
	if err != nil {
		return nil // not there yet
	}
	var servers []string
	if list, err := os.ReadDir(filepath.Join(l.root, "servers")); err == nil {
		for _, e := range list {
			if _, err := os.Stat(filepath.Join(l.root, "servers", e.Name(), "disks")); err == nil {
				servers = append(servers, e.Name())
			}
		}
	}
	if len(servers) > 0 {
		return fmt.Errorf("the lab at %s has lost its directory (%s, its Active Directory) while the disks of %s remain: "+
			"exdr will not read it as an empty organization and build it again over their data. Put %s back (from a copy of the lab), "+
			"or move the folder away to start a new lab", l.root, DirectoryFile, strings.Join(servers, ", "), DirectoryFile)
	}
	for _, e := range entries {
		if !ownFile(e.Name()) && e.Name() != "servers" {
			return fmt.Errorf("%s is not a lab and is not empty (it holds %s): exdr does not take it over; point the lab provider's path at a new or empty folder", l.root, e.Name())
		}
	}
	return nil
}

// Organization is the name a lab created on first use takes.
func (l *Host) Organization() string { return l.organization }

// Root is the lab's directory.
func (l *Host) Root() string { return l.root }

// ServerDir is a server's machine: its disks and its services' state.
// A clustered mailbox server's machine is the node it runs on now.
func (l *Host) ServerDir(server string) string {
	if node := l.NodeOf(server); node != "" {
		server = node
	}
	return filepath.Join(l.root, "servers", server)
}

// NodeOf is the node a clustered mailbox server runs on, or "" for a
// server that is not clustered.
func (l *Host) NodeOf(server string) string {
	m := l.onNode.Load()
	if m == nil {
		// Not read yet in this process: read it now. A caller holding
		// the lock gets it read from the files, not cached.
		if !l.Mu.TryLock() {
			d, _, err := l.loadDirectory()
			if err != nil {
				return ""
			}
			return nodesOf(d)[strings.ToLower(server)]
		}
		l.current(false)
		l.Mu.Unlock()
		if m = l.onNode.Load(); m == nil {
			return ""
		}
	}
	if len(*m) == 0 {
		return "" // no cluster: the common case, without a lowered copy of the name
	}
	return (*m)[strings.ToLower(server)]
}

// mapNodes records where each clustered mailbox server runs, after the
// directory was read or changed. The caller holds l.Mu.
func (l *Host) mapNodes(d *ad.Directory) {
	m := nodesOf(d)
	l.onNode.Store(&m)
}

// nodesOf maps each clustered mailbox server (lower-case) to its node.
func nodesOf(d *ad.Directory) map[string]string {
	m := map[string]string{}
	for _, s := range d.Servers {
		if s.Cluster != nil && s.Cluster.Active != "" {
			m[strings.ToLower(s.Name)] = s.Cluster.Active
		}
	}
	return m
}

// HostPath maps a Windows path on a server to the lab file that holds it:
// E:\Exchange\DB1.edb on MBX01 is servers/MBX01/disks/E/Exchange/DB1.edb.
func (l *Host) HostPath(server, winPath string) (string, error) {
	path, err := l.mapPath(server, winPath)
	if err != nil {
		return "", err
	}
	if err := l.CheckInside(path); err != nil {
		return "", err
	}
	return path, nil
}

// mapPath is HostPath without the check for links on the way.
func (l *Host) mapPath(server, winPath string) (string, error) {
	if len(winPath) < 3 || winPath[1] != ':' || winPath[2] != '\\' {
		return "", fmt.Errorf("%q is not an absolute Windows path", winPath)
	}
	if err := PathElement("the server name", server); err != nil {
		return "", err
	}
	// Built by hand rather than with filepath.Join: every component is
	// checked to be a plain name, so the path is clean as it stands, and
	// a plan maps twelve thousand of them.
	var b strings.Builder
	b.Grow(len(l.root) + len(server) + len(winPath) + 24)
	b.WriteString(l.ServerDir(server))
	b.WriteString(string(os.PathSeparator) + "disks" + string(os.PathSeparator))
	drive := strings.ToUpper(winPath[:1])
	if drive < "A" || drive > "Z" {
		return "", fmt.Errorf("%q is not an absolute Windows path: %q is no drive letter", winPath, winPath[:1])
	}
	b.WriteString(drive)
	for p := range strings.SplitSeq(winPath[3:], `\`) {
		if p == "" || p == "." || p == ".." || strings.ContainsRune(p, '/') {
			if p == "" {
				continue
			}
			return "", fmt.Errorf("%q has a path component the lab cannot map: %q", winPath, p)
		}
		b.WriteByte(os.PathSeparator)
		b.WriteString(p)
	}
	return b.String(), nil
}

func (l *Host) StreamLock(dir string) *sync.Mutex {
	l.streamMu.Lock()
	defer l.streamMu.Unlock()
	m, ok := l.streams[dir]
	if !ok {
		m = &sync.Mutex{}
		l.streams[dir] = m
	}
	return m
}

func (l *Host) Stream(sg *ad.StorageGroup) (*ese.Stream, error) {
	dir, err := l.HostPath(sg.Server, sg.LogFolderPath)
	if err != nil {
		return nil, err
	}
	return &ese.Stream{Dir: dir, Prefix: sg.Prefix, Sig: sg.Signature, Clock: l.now}, nil
}

func NewSignature() uint64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return binary.LittleEndian.Uint64(b[:]) | 1
}

// PathElement refuses a name the lab makes one element of a path (a
// server's folder, a database's restore folder) when it is not one:
// empty, "." or "..", or holding a separator. A directory edited by hand,
// or a plan file changed after it was saved, must not lead a file
// operation out of its folder.
func PathElement(what, name string) error {
	if name == "" || strings.Trim(name, ".") == "" || strings.ContainsAny(name, `/\`) || strings.ContainsRune(name, 0) {
		return fmt.Errorf("%s %q cannot be a folder or file name: the lab refuses it", what, name)
	}
	return nil
}

func (l *Host) DisksDir(server string) string {
	return l.ServerDir(server) + string(os.PathSeparator) + "disks"
}

// FailedPath marks a server whose machine has failed while its disks
// survive.
func (l *Host) FailedPath(server string) string { return filepath.Join(l.ServerDir(server), "failed") }

// Failed reports whether a server's machine has Failed.
func (l *Host) Failed(server string) bool {
	_, err := os.Stat(l.FailedPath(server))
	return err == nil
}

// AdvanceClock moves the lab's clock forward by d, for good: the offset
// is kept in clock.json.
func (l *Host) AdvanceClock(d time.Duration) error {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	l.offset += d
	b, _ := json.Marshal(clockState{Offset: l.offset})
	return disk.WriteAtomic(filepath.Join(l.root, clockFile), b)
}
