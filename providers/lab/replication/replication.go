package replication

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// State is the replication service's record for one copy.
type State struct {
	// NextReplay is the first generation not yet replayed into the copy.
	NextReplay uint32 `json:"next_replay"`
	// SourceNewest is the source's newest generation when last heard
	// from, its open one included.
	SourceNewest uint32 `json:"source_newest"`
	// Seeded is, per database, the signature of the production file the
	// copy was seeded from.
	Seeded    map[string]uint64 `json:"seeded,omitempty"`
	Suspended bool              `json:"suspended,omitempty"`
	Error     string            `json:"error,omitempty"`
	// Activated is set once Restore-StorageGroupCopy has made the copy
	// the production database: replication has ended.
	Activated time.Time `json:"activated,omitzero"`
	// ActivatedOn is the standby machine a copy was activated on, to be
	// mounted there by database portability; empty when it took the
	// production database's place.
	ActivatedOn string `json:"activated_on,omitempty"`
	// LogSignature is the source's log stream the copy follows, its
	// copied generations that stream's: the storage group made again
	// (its server rebuilt) starts another. 0 in a copy seeded before it
	// was kept: the group's.
	LogSignature uint64 `json:"log_signature,omitempty"`
}

// Replica gathers what an operation on one storage group's copy needs.
type Replica struct {
	SG      *ad.StorageGroup
	DBs     []*ad.Database
	Config  *ad.Copy
	Machine string      // where the copy lives
	Logs    *ese.Stream // the copy's log folder
	Source  *ese.Stream // the production log folder
}

func (r *Replica) StatePath() string { return filepath.Join(r.Logs.Dir, "copy.json") }

// EDBPath is where a database's copy file lives, as a Windows path on
// the copy's machine.
func (r *Replica) EDBPath(db *ad.Database) string {
	if r.Config.Local {
		return r.Config.Path + `\` + db.EdbFilePath[strings.LastIndexByte(db.EdbFilePath, '\\')+1:]
	}
	return db.EdbFilePath
}

func (r *Replica) LoadState() (*State, error) {
	b, err := os.ReadFile(r.StatePath())
	if err != nil {
		return nil, err
	}
	st := &State{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("%s: %w", r.StatePath(), err)
	}
	return st, nil
}

func (r *Replica) SaveState(st *State) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return disk.WriteAtomic(r.StatePath(), append(b, '\n'))
}

// CopyGeneration copies one closed generation to the copy's folder,
// after checking it, keeping the file sparse as the source's is.
func CopyGeneration(src, dst *ese.Stream, gen uint32) error {
	if _, _, err := src.ReadGeneration(gen); err != nil {
		return err
	}
	b, err := ese.ReadUsed(src.LogPath(gen))
	if err != nil {
		return err
	}
	tmp := dst.LogPath(gen) + ".copying"
	f, err := disk.Open(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Truncate(ese.LogSize); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst.LogPath(gen))
}

// LastCopied is the newest generation the copy holds in an unbroken run
// from from on.
func LastCopied(s *ese.Stream, from uint32) uint32 {
	g := from
	for ; ; g++ {
		if _, err := os.Stat(s.LogPath(g)); err != nil {
			return g - 1
		}
	}
}

// ErrNoCopy is a copy whose files are not where its state says.
var ErrNoCopy = errors.New("the copy is not seeded")
