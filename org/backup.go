package org

import (
	"fmt"
	"strconv"
	"time"
)

// BackupType is the kind of a backup set, as Exchange's backup API names
// them.
//
//	full          the database files and the logs needed to make them
//	              consistent; truncates the logs below the checkpoint
//	incremental   the logs since the last full or incremental; truncates
//	differential  the logs since the last full; does not truncate
//	copy          as full, without truncating or joining the chain
type BackupType string

const (
	BackupFull         BackupType = "full"
	BackupIncremental  BackupType = "incremental"
	BackupDifferential BackupType = "differential"
	BackupCopy         BackupType = "copy"
)

// ParseBackupType reads a backup type's name.
func ParseBackupType(s string) (BackupType, bool) {
	switch t := BackupType(s); t {
	case BackupFull, BackupIncremental, BackupDifferential, BackupCopy:
		return t, true
	}
	return "", false
}

// BackupSet is one set in a provider's backup catalog: a live fact.
type BackupSet struct {
	ID           string
	Type         BackupType
	Time         time.Time
	StorageGroup Identity
	Databases    []Identity // whose files the set holds (full and copy)
	Logs         LogRange   // the log generations the set holds
	// LogSignature is the log stream the set's logs are of; 0 when not
	// known.
	LogSignature uint64
	// Covers is the newest generation whose changes the set (with its
	// base) contains: an incremental after it starts at Covers+1.
	Covers uint32
	Base   string // the set an incremental or differential follows
	Bytes  int64  // the size of its files
	// DatabaseBytes is each database file's size in the set, and
	// LogBytes its logs': a restore of one database copies its own file
	// and the logs. Nil when the catalog does not say.
	DatabaseBytes map[Identity]int64
	LogBytes      int64
	// Method is "vss" for a Volume Shadow Copy set: restored in place,
	// followed by soft recovery, not eseutil /cc; empty when streaming.
	Method string
	// Mailboxes each database held when the set was taken.
	Mailboxes map[Identity][]string
	// Damaged says why the set cannot be used (a file missing or failing
	// its checksum); empty when every file verified.
	Damaged string
}

// Facts of a backup set, so that a plan made before a new backup, or
// before a set was damaged, is stale.
func (b *BackupSet) Facts() Facts {
	f := Facts{"type": string(b.Type), "time": b.Time.UTC().Format(time.RFC3339Nano), "covers": strconv.FormatUint(uint64(b.Covers), 10)}
	f["usable"] = strconv.FormatBool(b.Damaged == "")
	return f
}

func (b *BackupSet) String() string {
	return fmt.Sprintf("%s backup %s of %s (%s)", b.Type, b.ID, b.StorageGroup, b.Time.UTC().Format("2006-01-02 15:04:05Z"))
}
