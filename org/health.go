package org

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The types below are what a provider finds by inspecting a live
// organization: the facts the planner decides from. They are nil on a
// desired Org. A provider fills them from what the system shows (files,
// headers, checksums), never from a flag it keeps for itself.

// ServerHealth is what the server itself shows.
type ServerHealth struct {
	// Up is true when the server answers: in the lab, its disks exist
	// and its machine has not failed.
	Up bool
	// DisksSurvive is true for a server that does not answer whose disks
	// are intact (a failed machine, not a lost one): a rebuild with the
	// same drive letters finds its files where they were.
	DisksSurvive bool
	// DisksUnknown is set for a server that does not answer when the
	// provider cannot see its disks (the shell reaches only servers that
	// answer): whether they survive is for the administrator to find out.
	DisksUnknown bool
	// Free is the free space on each drive, by letter ("E").
	Free map[string]Size
	// SetupIncomplete is set when Setup started on the server and did not
	// finish: its Watermark value is left in the registry
	// (HKLM\SOFTWARE\Microsoft\Exchange\v8.0\<Role>), and Setup run
	// again resumes from it.
	SetupIncomplete bool
}

// ShutdownState is the State line of eseutil /mh.
//
//	clean  Clean Shutdown: consistent, every logged change is in the file
//	dirty  Dirty Shutdown: attached, or crashed with logged changes not yet
//	       written to the file; needs the logs in LogRequired to recover
type ShutdownState uint8

const (
	StateUnknown ShutdownState = iota
	StateClean
	StateDirty
)

func (s ShutdownState) String() string {
	switch s {
	case StateClean:
		return "clean"
	case StateDirty:
		return "dirty"
	}
	return "unknown"
}

// LogRange is a range of log generations, inclusive; zero when empty.
type LogRange struct{ Low, High uint32 }

func (r LogRange) Empty() bool { return r.Low == 0 && r.High == 0 }

func (r LogRange) String() string {
	if r.Empty() {
		return "none"
	}
	return fmt.Sprintf("%d-%d", r.Low, r.High)
}

// DatabaseHealth is what inspecting a database's file shows, as eseutil
// /mh and /k would, plus whether the store has it mounted.
type DatabaseHealth struct {
	// PublicFolders is what a public folder database's store holds of
	// the hierarchy; nil for a mailbox database, or when not read.
	PublicFolders *PublicFolderStore
	FileExists    bool
	State         ShutdownState
	LogRequired   LogRange // generations needed to reach a clean state
	Pages         int      // data pages, header excluded
	BadPages      []uint32 // pages whose checksum fails
	// ItemsAtRisk estimates the items in the failing pages, from what is
	// still recognisable in their bytes.
	ItemsAtRisk int
	RepairCount int  // times eseutil /p has been run on it
	Mounted     bool // the Information Store has it mounted
	Size        Size
	// Foreign names the database whose file stands at this one's path
	// (its header says so: files swapped or copied by hand); BadPages
	// then holds page 0, as the file cannot serve this database.
	Foreign string
	// LastFull is the header's Previous Full Backup (eseutil /mh): the
	// newest full backup the file itself records; zero when none. A
	// file restored since its newest full backup records an older one.
	LastFull time.Time
	// Restore is set while a streaming restore of the database is
	// unfinished: restore.env is in its restore folder, so the database
	// cannot mount until hard recovery (eseutil /cc) has run.
	Restore *PendingRestore
	// Created is when the file at the path was created: the header's
	// DB Signature create time (eseutil /mh). A restore, a repair and a
	// swap keep it; a database made anew in place of a lost one (dial
	// tone, or Mount-Database creating an empty one) has a new one, so
	// a file created after the newest backup that holds this database
	// does not hold what that backup does. Zero when unknown.
	Created time.Time
	// Swap is set while a dial-tone swap of this database with its
	// recovery database is under way (the swap's record lies beside the
	// file): the swap finishes before anything else is done to either.
	Swap *PendingSwap
	// StampsUnread is set when the file's backup stamps could not be
	// read (the ems provider does not run eseutil /mh on a mounted
	// database): the backups that hold it are not known, which is not
	// the same as none. LastFull may still be the store's own answer.
	StampsUnread bool
	// Unreadable says why the file's state could not be read (eseutil
	// /mh failed on a file that is there, or its server did not
	// answer): the other fields are then not known, and nothing may be
	// planned from them. Empty when the state was read.
	Unreadable string
}

// PendingSwap is a dial-tone swap begun and not finished.
type PendingSwap struct {
	RecoveryDatabase Identity // the recovery database it swaps with
}

// PendingRestore is a restore begun and not yet recovered.
type PendingRestore struct {
	Sets []string // the backup sets restored, oldest first
	// FilesInPlace is set when every file of the restore is in place
	// (the restore step finished): hard recovery is what remains.
	// Otherwise the restore itself was cut short and must run again.
	FilesInPlace bool
}

// LogHealth is what a storage group's log folder shows.
type LogHealth struct {
	FolderExists bool
	Prefix       string // E00, E01, ...
	// Signature is the log stream's: a stream started again (a rebuilt
	// server's new folder) has a new one, and a backup's logs roll
	// forward only through their own stream. 0 when not known.
	Signature  uint64
	Checkpoint uint32   // the oldest generation recovery would start from
	OnDisk     LogRange // the generations present
	Missing    []uint32 // generations absent between the lowest and the current
	Corrupt    []uint32 // generations whose checksums fail
	// Created is when each generation on disk was started, for the
	// recovery point a roll-forward reaches.
	Created map[uint32]time.Time
}

// Usable reports whether every generation in r is present and intact.
func (h *LogHealth) Usable(r LogRange) bool {
	if r.Empty() {
		return true
	}
	if h == nil || !h.FolderExists || r.Low < h.OnDisk.Low || r.High > h.OnDisk.High {
		return false
	}
	for _, g := range append(append([]uint32{}, h.Missing...), h.Corrupt...) {
		if g >= r.Low && g <= r.High {
			return false
		}
	}
	return true
}

// Facts flattens what is known about one resource into named strings, so
// that a saved plan can say which facts moved since it was made.
type Facts map[string]string

// String renders facts as "key=value" pairs in key order.
func (f Facts) String() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + f[k]
	}
	return strings.Join(parts, " ")
}

func uints(v []uint32) string {
	if len(v) == 0 {
		return "none"
	}
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.FormatUint(uint64(n), 10)
	}
	return strings.Join(parts, ",")
}

// Facts of a live server.
func (s *Server) Facts() Facts {
	f := Facts{"roles": s.Roles.String(), "edition": s.Edition.String(), "site": s.Site}
	if s.Health != nil {
		f["up"] = strconv.FormatBool(s.Health.Up)
		if s.Health.SetupIncomplete {
			f["setup"] = "incomplete"
		}
	}
	return f
}

// Facts of a live storage group.
func (sg *StorageGroup) Facts() Facts {
	f := Facts{"log_folder_path": sg.LogFolderPath, "system_folder_path": sg.SystemFolderPath, "circular_logging": strconv.FormatBool(sg.CircularLogging)}
	if h := sg.Health; h != nil {
		f["log_folder"] = strconv.FormatBool(h.FolderExists)
		// The checkpoint and the newest generation move with every change,
		// so a plan does not depend on them; gaps and damage it does.
		f["logs_missing"] = uints(h.Missing)
		f["logs_corrupt"] = uints(h.Corrupt)
	}
	// A copy a plan activates or seeds: its state, not how far it has
	// copied (that moves with every closed generation).
	if c := sg.Copy; c != nil && c.Health != nil {
		f["copy_status"] = c.Health.Status
		f["copy_error"] = c.Health.Error
		f["copy_activated_on"] = c.Health.ActivatedOn
		f["copy_source_up"] = strconv.FormatBool(c.Health.SourceUp)
	}
	return f
}

// Facts of a live database.
func (db *Database) Facts() Facts {
	f := Facts{"edb_file_path": db.EdbFilePath}
	optDur := func(k string, d *Duration) {
		if d != nil {
			f[k] = d.String()
		}
	}
	optBool := func(k string, b *bool) {
		if b != nil {
			f[k] = strconv.FormatBool(*b)
		}
	}
	optBool("allow_file_restore", db.AllowFileRestore)
	optDur("deleted_item_retention", db.DeletedItemRetention)
	optDur("mailbox_retention", db.MailboxRetention)
	optBool("retain_deleted_items_until_backup", db.RetainDeletedItemsUntilBackup)
	optDur("replication_interval", db.ReplicationInterval)
	if db.FolderReplicas != nil {
		f["folder_replicas"] = strings.Join(db.FolderReplicas, ",")
	}
	if h := db.Health; h != nil {
		f["file"] = map[bool]string{true: "present", false: "missing"}[h.FileExists]
		if h.Unreadable != "" {
			// Not known, which a saved plan must not take for missing.
			f["file"] = "unreadable"
		}
		// A mounted database's header is dirty and its required logs grow
		// with traffic: they are facts only when it is not mounted.
		if !h.Mounted {
			f["state"] = h.State.String()
			f["log_required"] = h.LogRequired.String()
		}
		f["bad_pages"] = uints(h.BadPages)
		f["repair_count"] = strconv.Itoa(h.RepairCount)
		if !h.Created.IsZero() {
			f["created"] = h.Created.UTC().Format(time.RFC3339Nano)
		}
		if h.Swap != nil {
			f["swap_pending"] = string(h.Swap.RecoveryDatabase)
		}
		if r := h.Restore; r != nil {
			f["restore_pending"] = fmt.Sprintf("%s in place %v", strings.Join(r.Sets, ","), r.FilesInPlace)
		}
		f["mounted"] = strconv.FormatBool(h.Mounted)
	}
	return f
}

// Facts are what a plan for a queue database stands on. Message counts
// change with traffic and are left out; the file, its state and the
// service are in.
func (q *QueueDatabase) Facts() Facts {
	f := Facts{"path": q.Path, "logging_path": q.LoggingPath}
	if h := q.Health; h != nil {
		f["file"] = map[bool]string{true: "present", false: "missing"}[h.FileExists]
		f["running"] = strconv.FormatBool(h.Running)
		if !h.Running {
			f["state"] = h.State.String()
		}
		f["bad_pages"] = uints(h.BadPages)
		f["draining_from"] = h.DrainingFrom
		f["moving_to"] = h.MovingTo
	}
	return f
}

// RollForward is how far the live logs carry a restore past a backup
// chain that covers generations up to covers, of the log stream sig:
// every generation after it, up to the first missing or damaged (gap, or
// 0 when none is); none when the live logs are another stream. The
// planner and exdr check both measure a chain with it.
func (h *LogHealth) RollForward(covers uint32, sig uint64) (reach uint32, gap uint32) {
	reach = covers
	if h == nil || !h.FolderExists || h.OtherStream(sig) || h.Emptied() {
		return reach, covers + 1
	}
	bad := map[uint32]bool{}
	for _, g := range append(append([]uint32{}, h.Missing...), h.Corrupt...) {
		bad[g] = true
	}
	top := h.OnDisk.High
	for _, g := range h.Missing {
		top = max(top, g) // a generation known to exist once, now gone
	}
	for g := covers + 1; g <= top; g++ {
		if g < h.OnDisk.Low || bad[g] {
			return reach, g
		}
		reach = g
	}
	return reach, 0
}

// Emptied reports whether the log folder holds no log at all, nor a
// checkpoint: a storage group always has its current generation, so its
// stream was deleted (to free the drive), and whatever was logged since a
// backup with it. It read as a folder with nothing missing, and a
// restore said nothing was lost (adversarial review).
func (h *LogHealth) Emptied() bool {
	// Only where the stream is known (its signature): the shell's read
	// lists no Enn.log and no checkpoint, and a folder holding only its
	// current log read as emptied there (review).
	return h != nil && h.FolderExists && h.Signature != 0 && h.OnDisk.Empty() && h.Checkpoint == 0 && len(h.Missing) == 0 && len(h.Corrupt) == 0
}

// OtherStream reports whether the live logs are another stream than
// the one of signature sig (a backup's): started again since, their
// generations continue nothing the backup holds. Unknown signatures are
// not another.
func (h *LogHealth) OtherStream(sig uint64) bool {
	return h != nil && h.Signature != 0 && sig != 0 && h.Signature != sig
}

// PublicFolderStore is what a public folder database's store holds of
// the public folder hierarchy: its copy of every folder with the
// folder's replicas, and when it last took replication from each other
// public folder database.
type PublicFolderStore struct {
	Hierarchy []*PublicFolder
	// Received is, by database identity key, when this database last
	// took that one's replication: what that one held then is here too.
	Received map[string]time.Time
}

// PublicFolder is a folder of the public folder hierarchy.
type PublicFolder struct {
	Path     string // \Top\Sub
	Replicas []Identity
	// Changed is when the folder's hierarchy entry last changed: of two
	// copies of the hierarchy, the newer entry is the folder's.
	Changed time.Time
}

// HasReplica reports whether db holds a replica of the folder.
func (f *PublicFolder) HasReplica(db Identity) bool {
	for _, r := range f.Replicas {
		if r.Key() == db.Key() {
			return true
		}
	}
	return false
}

// MergeHierarchies is the hierarchy the public folder databases agree
// on: every folder any of them holds, the newest entry of each, in path
// order (paths compare without case, as Exchange's do).
func MergeHierarchies(stores ...*PublicFolderStore) []*PublicFolder {
	byKey := map[string]*PublicFolder{}
	for _, s := range stores {
		if s == nil {
			continue
		}
		for _, f := range s.Hierarchy {
			k := strings.ToLower(f.Path)
			if cur, ok := byKey[k]; !ok || f.Changed.After(cur.Changed) {
				byKey[k] = f
			}
		}
	}
	out := make([]*PublicFolder, 0, len(byKey))
	for _, f := range byKey {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *PublicFolder) int { return strings.Compare(strings.ToLower(a.Path), strings.ToLower(b.Path)) })
	return out
}

// ValidFolderPath checks a public folder path: "\Top\Sub", no empty
// part, no trailing backslash.
func ValidFolderPath(path string) error {
	if !strings.HasPrefix(path, `\`) || len(path) < 2 || strings.HasSuffix(path, `\`) {
		return fmt.Errorf("public folder path \"%s\" must start at the top of the hierarchy: \\Name or \\Parent\\Name", path)
	}
	for _, part := range strings.Split(path[1:], `\`) {
		if strings.TrimSpace(part) == "" {
			return fmt.Errorf("public folder path \"%s\" has an empty folder name", path)
		}
	}
	return nil
}
