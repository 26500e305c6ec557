package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// A storage group's passive copy (LCR on the same server under Path; SCR
// on Machine at the same paths) is kept up to date by the replication
// service: closed log generations are copied from the source's log
// folder, then replayed into the copy's database file once ReplayLag has
// passed. Its configuration lives in the directory, as Exchange keeps it
// in Active Directory; what the copy has copied and replayed lives in
// copy.json beside its logs, as the replication service's own state.

// copyState is the replication service's record for one copy.
type copyState struct {
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
}

// replica gathers what an operation on one storage group's copy needs.
type replica struct {
	sg      *ad.StorageGroup
	dbs     []*ad.Database
	cfg     *ad.Copy
	machine string      // where the copy lives
	logs    *ese.Stream // the copy's log folder
	source  *ese.Stream // the production log folder
}

func (r *replica) statePath() string { return filepath.Join(r.logs.Dir, "copy.json") }

// edbPath is where a database's copy file lives, as a Windows path on
// the copy's machine.
func (r *replica) edbPath(db *ad.Database) string {
	if r.cfg.Local {
		return r.cfg.Path + `\` + db.EdbFilePath[strings.LastIndexByte(db.EdbFilePath, '\\')+1:]
	}
	return db.EdbFilePath
}

func (l *Lab) replica(id org.Identity) (*replica, error) {
	r := &replica{}
	err := l.viewDirectory(func(d *ad.Directory) error {
		r.sg = d.StorageGroup(id)
		if r.sg == nil || r.sg.Copy == nil {
			return fmt.Errorf("storage group %s has no copy", id)
		}
		r.cfg = r.sg.Copy
		for _, db := range d.Databases {
			if strings.EqualFold(db.StorageGroup, string(id)) && db.RecoveryOf == "" {
				r.dbs = append(r.dbs, db)
			}
		}
		r.machine = r.sg.Server
		if !r.cfg.Local {
			if s := d.Server(r.cfg.Machine); s != nil {
				r.machine = s.Name
			} else {
				return fmt.Errorf("standby machine %s is not in the directory", r.cfg.Machine)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	logDir := r.sg.LogFolderPath
	if r.cfg.Local {
		logDir = r.cfg.Path
	}
	dir, err := l.HostPath(r.machine, logDir)
	if err != nil {
		return nil, err
	}
	r.logs = &ese.Stream{Dir: dir, Prefix: r.sg.Prefix, Sig: r.sg.Signature, Clock: l.now}
	if r.source, err = l.stream(r.sg); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *replica) loadState() (*copyState, error) {
	b, err := os.ReadFile(r.statePath())
	if err != nil {
		return nil, err
	}
	st := &copyState{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("%s: %w", r.statePath(), err)
	}
	return st, nil
}

func (r *replica) saveState(st *copyState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return disk.WriteAtomic(r.statePath(), append(b, '\n'))
}

// machineUp reports whether a server's machine runs.
func (l *Lab) machineUp(server string) bool {
	_, err := os.Stat(l.disksDir(server))
	return err == nil && !l.failed(server)
}

// sourceUp reports whether the copy's source can be read: its server runs
// and its log folder is there.
func (l *Lab) sourceUp(r *replica) bool {
	if !l.machineUp(r.sg.Server) {
		return false
	}
	_, err := os.Stat(r.source.ChkPath())
	return err == nil
}

// copyGeneration copies one closed generation to the copy's folder,
// after checking it, keeping the file sparse as the source's is.
func copyGeneration(src, dst *ese.Stream, gen uint32) error {
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

// lastCopied is the newest generation the copy holds in an unbroken run
// from from on.
func lastCopied(s *ese.Stream, from uint32) uint32 {
	g := from
	for ; ; g++ {
		if _, err := os.Stat(s.LogPath(g)); err != nil {
			return g - 1
		}
	}
}

// copyKeepsFrom is the oldest generation of a storage group's stream that
// its copy still needs: a backup does not truncate below it, as Exchange
// holds truncation until the copy has the logs. Zero when nothing holds.
func (l *Lab) copyKeepsFrom(sg *ad.StorageGroup) uint32 {
	if sg.Copy == nil {
		return 0
	}
	r, err := l.replica(org.Identity(sg.Server).Join(sg.Name))
	if err != nil {
		return 0
	}
	st, err := r.loadState()
	if err != nil || !st.Activated.IsZero() {
		return 0
	}
	return lastCopied(r.logs, st.NextReplay) + 1
}

// errNoCopy is a copy whose files are not where its state says.
var errNoCopy = errors.New("the copy is not seeded")
