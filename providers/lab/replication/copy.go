package replication

import (
	"fmt"
	"os"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/ese"
)

// A storage group's passive copy (LCR on the same server under Path; SCR
// on Machine at the same paths) is kept up to date by the replication
// service: closed log generations are copied from the source's log
// folder, then replayed into the copy's database file once ReplayLag has
// passed. Its configuration lives in the directory, as Exchange keeps it
// in Active Directory; what the copy has copied and replayed lives in
// copy.json beside its logs, as the replication service's own state.

func (l *Service) Replica(id org.Identity) (*Replica, error) {
	r := &Replica{}
	err := l.ViewDirectory(func(d *ad.Directory) error {
		r.SG = d.StorageGroup(id)
		if r.SG == nil || r.SG.Copy == nil {
			return fmt.Errorf("storage group %s has no copy", id)
		}
		r.Config = r.SG.Copy
		for _, db := range d.Databases {
			if strings.EqualFold(db.StorageGroup, string(id)) && db.RecoveryOf == "" {
				r.DBs = append(r.DBs, db)
			}
		}
		r.Machine = r.SG.Server
		switch {
		case r.Config.Cluster:
			// CCR: the node the clustered mailbox server does not run
			// on, at the same paths.
			s := d.Server(r.SG.Server)
			if s == nil || s.Cluster == nil || s.Cluster.Passive() == "" {
				return fmt.Errorf("storage group %s has a cluster copy and %s has no passive node", id, r.SG.Server)
			}
			r.Machine = s.Cluster.Passive()
		case !r.Config.Local:
			if s := d.Server(r.Config.Machine); s != nil {
				r.Machine = s.Name
			} else {
				return fmt.Errorf("standby machine %s is not in the directory", r.Config.Machine)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	logDir := r.SG.LogFolderPath
	if r.Config.Local {
		logDir = r.Config.Path
	}
	dir, err := l.HostPath(r.Machine, logDir)
	if err != nil {
		return nil, err
	}
	r.Logs = &ese.Stream{Dir: dir, Prefix: r.SG.Prefix, Sig: r.SG.Signature, Clock: l.Now}
	if r.Source, err = l.Stream(r.SG); err != nil {
		return nil, err
	}
	if st, err := r.LoadState(); err == nil && st.LogSignature != 0 {
		r.Logs.Sig = st.LogSignature // the stream it follows, which the group may have left
	}
	return r, nil
}

// sourceUp reports whether the copy's source can be read: its server runs
// and its log folder is there.
func (l *Service) sourceUp(r *Replica) bool {
	if !l.MachineUp(r.SG.Server) {
		return false
	}
	_, err := os.Stat(r.Source.ChkPath())
	return err == nil
}

// CopyKeepsFrom is the oldest generation of a storage group's stream that
// its copy still needs: a backup does not truncate below it, as Exchange
// holds truncation until the copy has the logs. Zero when nothing holds.
func (l *Service) CopyKeepsFrom(sg *ad.StorageGroup) uint32 {
	if sg.Copy == nil {
		return 0
	}
	r, err := l.Replica(org.Identity(sg.Server).Join(sg.Name))
	if err != nil {
		return 0
	}
	st, err := r.LoadState()
	if err != nil || !st.Activated.IsZero() {
		return 0
	}
	return LastCopied(r.Logs, st.NextReplay) + 1
}
