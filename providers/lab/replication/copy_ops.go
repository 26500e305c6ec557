package replication

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// EnableCopy is Enable-StorageGroupCopy (and Enable-DatabaseCopy): the
// copy's configuration goes to the directory, then the copy is seeded.
func (l *Service) EnableCopy(step *providers.Step) error {
	cfg := &ad.Copy{Local: step.Args["copy"] == "local", Path: step.Args["copy_path"], Machine: step.Args["standby_machine"], ReplayLag: step.Args["replay_lag"]}
	err := l.UpdateDirectory(func(d *ad.Directory) error {
		sg := d.StorageGroup(step.Identity)
		if sg == nil {
			return fmt.Errorf("storage group does not exist")
		}
		if !cfg.Local && d.Server(cfg.Machine) == nil {
			return fmt.Errorf("standby machine %s does not exist", cfg.Machine)
		}
		if sg.Copy != nil && sg.Copy.Cluster {
			// Exchange keeps an SCR copy of a CCR group beside its CCR
			// copy; the lab keeps one copy per storage group, and would
			// drop the cluster's.
			return fmt.Errorf("%s has its CCR copy on the cluster's passive node: the lab does not simulate an SCR copy of a CCR storage group as well; test the standby with a standalone Mailbox server", step.Identity)
		}
		sg.Copy = cfg
		return nil
	})
	if err != nil {
		return err
	}
	return l.SeedCopy(step.Identity)
}

// SeedCopy is Update-StorageGroupCopy: each database's file is copied to
// the copy, any earlier copy files and logs set aside first, and
// replication starts from the generation the copied file needs.
// Long on purpose: the set-aside, the copies and the new state in the
// order a kill must find them.
func (l *Service) SeedCopy(id org.Identity) error {
	r, err := l.Replica(id)
	if err != nil {
		return err
	}
	if !l.MachineUp(r.Machine) {
		return fmt.Errorf("the copy's machine %s does not answer", r.Machine)
	}
	if !l.sourceUp(r) {
		return fmt.Errorf("the source %s cannot be read: a copy is seeded from a running source", r.SG.Server)
	}
	cmu := l.StreamLock(r.Logs.Dir)
	cmu.Lock()
	defer cmu.Unlock()
	if gens, err := r.Logs.Generations(); err == nil && len(gens) > 0 {
		if err := ese.SetAsideStream(r.Logs, l.Now()); err != nil {
			return err
		}
	}
	if _, err := os.Stat(r.StatePath()); err == nil {
		if _, err := disk.MoveAside(r.StatePath(), l.Now()); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(r.Logs.Dir, 0o755); err != nil {
		return err
	}
	mu := l.StreamLock(r.Source.Dir)
	mu.Lock()
	st := &State{Seeded: map[string]uint64{}, LogSignature: r.Source.Sig}
	err = func() error {
		defer mu.Unlock()
		cur, err := r.Source.Current()
		if err != nil {
			return err
		}
		st.NextReplay, st.SourceNewest = cur, cur
		for _, db := range r.DBs {
			src, err := l.HostPath(r.SG.Server, db.EdbFilePath)
			if err != nil {
				return err
			}
			dst, err := l.HostPath(r.Machine, r.EDBPath(db))
			if err != nil {
				return err
			}
			e, err := ese.OpenEDB(src, false)
			if err != nil {
				return fmt.Errorf("%s cannot be read to seed the copy: %w", db.EdbFilePath, err)
			}
			if e.Hdr.State == org.StateDirty && e.Hdr.LogRequired.Low > 0 {
				st.NextReplay = min(st.NextReplay, e.Hdr.LogRequired.Low)
			}
			st.Seeded[db.Identity().Key()] = e.Hdr.Signature
			e.Close()
			if _, err := os.Stat(dst); err == nil {
				if _, err := disk.MoveAside(dst, l.Now()); err != nil {
					return err
				}
			}
			if err := disk.CopyFile(src, dst); err != nil {
				return err
			}
			// A passive copy is never consistent: it waits for logs.
			c, err := ese.OpenEDB(dst, true)
			if err != nil {
				return err
			}
			c.Hdr.State = org.StateDirty
			err = c.WriteHeader()
			c.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		return err
	}
	if err := r.SaveState(st); err != nil {
		return err
	}
	return l.replicateLocked(r, false)
}

// Replicate runs the replication service once for every copy: what the
// sources have closed is copied, and what has waited out its replay lag
// is replayed. The lab calls it after traffic, backups and clock moves.
func (l *Service) Replicate() error {
	var ids []org.Identity
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, sg := range d.StorageGroups {
			if sg.Copy != nil {
				ids = append(ids, org.Identity(sg.Server).Join(sg.Name))
			}
		}
		return nil
	})
	var errs []error
	for _, id := range ids {
		r, err := l.Replica(id)
		if err != nil {
			continue
		}
		if !l.MachineUp(r.Machine) {
			continue // its replication service is down with its machine
		}
		mu := l.StreamLock(r.Logs.Dir)
		mu.Lock()
		err = l.replicateLocked(r, false)
		mu.Unlock()
		if err != nil && !errors.Is(err, ErrNoCopy) {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// errNewStream is a source whose log stream started again (its server
// rebuilt): the copy takes nothing from it.
var errNewStream = errors.New("the source's log stream started again")

// replicateLocked copies and replays for one copy, whose folder's lock
// the caller holds. all copies the source's open generation too and
// replays everything at once, as activation does.
func (l *Service) replicateLocked(r *Replica, all bool) error {
	st, err := r.LoadState()
	if err != nil {
		return ErrNoCopy
	}
	if st.Suspended || !st.Activated.IsZero() {
		return nil
	}
	if l.sourceUp(r) {
		mu := l.StreamLock(r.Source.Dir)
		mu.Lock()
		cur, err := r.Source.Current()
		if err == nil && (cur < st.SourceNewest || r.Source.Sig != r.Logs.Sig) {
			// A stream that went back is a new one (the server rebuilt):
			// not the stream this copy follows, so nothing is copied
			// from it; what the copy holds is still replayed below. It
			// returned here, and an activation after the rebuild put
			// back a copy that had replayed nothing (adversarial
			// review: DB1 empty, "matches the configuration").
			err = errNewStream
		}
		if err == nil {
			st.SourceNewest = cur
			last := cur - 1
			if all {
				last = cur
			}
			for g := LastCopied(r.Logs, st.NextReplay) + 1; g <= last && err == nil; g++ {
				if err = CopyGeneration(r.Source, r.Logs, g); err != nil {
					err = fmt.Errorf("log generation %d cannot be copied from %s: %w", g, r.SG.Server, err)
				}
			}
		}
		mu.Unlock()
		if err != nil && !errors.Is(err, errNewStream) {
			st.Error = err.Error()
			return r.SaveState(st)
		}
	}
	lag := ad.DurationOr(r.Config.ReplayLag, 0)
	if all {
		lag = 0
	}
	copied := LastCopied(r.Logs, st.NextReplay)
	for g := st.NextReplay; g <= copied; g++ {
		if t, err := r.Logs.Created(g); err == nil && l.Now().Sub(t) < lag {
			break
		}
		recs, _, err := r.Logs.ReadGeneration(g)
		if err != nil {
			st.Error = fmt.Sprintf("copied log generation %d is damaged: %v", g, err)
			return r.SaveState(st)
		}
		for _, db := range r.DBs {
			if err := l.replayIntoCopy(r, db, recs); err != nil {
				st.Error = err.Error()
				return r.SaveState(st)
			}
		}
		st.NextReplay = g + 1
		// Replayed generations are in the copy's pages now: the
		// service truncates them. An activation keeps them (set aside
		// with the copy's stream on a standby): a run stopped before the
		// activation ends must find what it replayed.
		if !all {
			os.Remove(r.Logs.LogPath(g))
		}
	}
	st.Error = ""
	return r.SaveState(st)
}

func (l *Service) replayIntoCopy(r *Replica, db *ad.Database, recs []ese.Record) error {
	path, err := l.HostPath(r.Machine, r.EDBPath(db))
	if err != nil {
		return err
	}
	e, err := ese.OpenEDB(path, true)
	if err != nil {
		return fmt.Errorf("the copy of %s: %w", db.Identity(), err)
	}
	defer e.Close()
	if err := ese.ApplyRecords(e, recs); err != nil {
		return err
	}
	return e.WriteHeader() // the page count, grown with the records
}

// ActivateCopy is Restore-StorageGroupCopy: the copy gets every log it
// can (all of the source's when the source can be read, -Force when it
// cannot), replays them all, and becomes consistent; then its files take
// the production databases' places (the damaged files set aside first).
// With on_standby (SCR), the copy stays where it is, in clean shutdown,
// its logs set aside, for a storage group made on the standby to mount
// by database portability.
// It returns how many of the source's generations were out of reach.
// Long on purpose: copy, replay, then the renames, in the order a kill
// must find them (TestCrashAnywhere, copy_activation).
func (l *Service) ActivateCopy(_ context.Context, step *providers.Step) (lost int, err error) {
	r, err := l.Replica(step.Identity)
	if err != nil {
		return 0, err
	}
	if !l.MachineUp(r.Machine) {
		return 0, fmt.Errorf("the copy's machine %s does not answer", r.Machine)
	}
	st, err := r.LoadState()
	if err != nil {
		return 0, fmt.Errorf("the copy is not seeded: %w", err)
	}
	if !st.Activated.IsZero() {
		return 0, nil // activated already
	}
	up := l.sourceUp(r)
	if cur, err := r.Source.Current(); up && (err != nil || cur < st.SourceNewest || r.Source.Sig != r.Logs.Sig) {
		up = false // a new stream in the old folder: the one the copy followed is gone
	}
	// On the standby (SCR only): the copy becomes a database there, by
	// database portability, without waiting for the source's rebuild.
	onStandby := step.Args["on_standby"] == "true"
	if onStandby && r.Config.Local {
		return 0, fmt.Errorf("a local copy is activated in place of its database, not on a standby machine")
	}
	if !up && step.Args["force"] != "true" {
		return 0, fmt.Errorf("the source %s cannot be read: activating without its last logs needs -Force", r.SG.Server)
	}
	for _, db := range r.DBs {
		if c, err := l.store.Database(db.Identity()); err == nil && l.store.Mounted(c) {
			return 0, fmt.Errorf("%s is mounted: a copy is activated in place of a database that is not", db.Identity())
		}
	}
	mu := l.StreamLock(r.Logs.Dir)
	mu.Lock()
	defer mu.Unlock()
	if err := l.replicateLocked(r, true); err != nil {
		return 0, err
	}
	if st, err = r.LoadState(); err != nil {
		return 0, err
	}
	if st.Error != "" {
		return 0, fmt.Errorf("the copy cannot be brought up to date: %s", st.Error)
	}
	if !up {
		lost = int(st.SourceNewest) - int(st.NextReplay) + 1
	}
	for _, db := range r.DBs {
		src, err := l.HostPath(r.Machine, r.EDBPath(db))
		if err != nil {
			return 0, err
		}
		e, err := ese.OpenEDB(src, true)
		if err != nil {
			return 0, fmt.Errorf("the copy of %s: %w", db.Identity(), err)
		}
		e.Hdr.State, e.Hdr.LogRequired = org.StateClean, org.LogRange{}
		if !onStandby && e.Hdr.LogStream != r.SG.Signature {
			// Its storage group was made again since (the server
			// rebuilt, a new log stream): in clean shutdown, the file is
			// attached to that stream, as a mount of a consistent file
			// starts the stream it finds (database portability does the
			// same, store/portability.go).
			e.Hdr.LogStream, e.Hdr.AttachLSN = r.SG.Signature, 0
		}
		err = e.WriteHeader()
		if err == nil {
			err = e.Handle.Sync()
		}
		e.Close()
		if err != nil {
			return 0, err
		}
		if onStandby {
			continue // the copy is the database now, where it stands
		}
		if !l.MachineUp(r.SG.Server) {
			return 0, fmt.Errorf("%s does not answer: the copy waits for it to be rebuilt", r.SG.Server)
		}
		dst, err := l.HostPath(r.SG.Server, db.EdbFilePath)
		if err != nil {
			return 0, err
		}
		if _, err := os.Stat(dst); err == nil {
			if _, err := disk.MoveAside(dst, l.Now()); err != nil {
				return 0, err
			}
		}
		if r.Config.Local {
			err = os.Rename(src, dst) // the same server: the files move
		} else {
			err = disk.CopyFile(src, dst)
		}
		if err != nil {
			return 0, fmt.Errorf("place the activated copy at %s: %w", db.EdbFilePath, err)
		}
	}
	if onStandby && r.Config.Cluster {
		// CCR: the copy's folder is the storage group's own on the node
		// it moves to, and its stream goes on there, as Exchange's does:
		// the copied generations stay, and the database writes next into
		// a new generation after the newest the copy got. The copy is
		// the database as of that generation's end, so a backup from
		// before the move rolls forward through both; the generations
		// the copy never got, lost with the old node, are numbered again
		// here, and that node's copy is seeded anew (it diverged).
		last := LastCopied(r.Logs, st.NextReplay)
		if last < st.NextReplay {
			last = st.NextReplay - 1 // replayed and truncated: none left
		}
		if _, newest, err := r.Logs.ReadChk(); err != nil || newest <= last {
			if err := r.Logs.WriteChk(last+1, last); err != nil {
				return 0, err
			}
			if err := r.Logs.NewGeneration(last + 1); err != nil && !errors.Is(err, os.ErrExist) {
				return 0, err
			}
		}
		st.ActivatedOn = r.Machine
	} else if onStandby {
		// The database is in clean shutdown and needs none of the copy's
		// logs; the storage group made on the standby for it starts its
		// own stream in this folder. Set aside before the state says
		// activated, so that a kill between the two is finished by a run
		// again.
		if gens, err := r.Logs.Generations(); err == nil && len(gens) > 0 {
			if err := ese.SetAsideStream(r.Logs, l.Now()); err != nil {
				return 0, err
			}
		} else if _, err := os.Stat(r.Logs.ChkPath()); err == nil {
			if err := ese.SetAsideStream(r.Logs, l.Now()); err != nil {
				return 0, err
			}
		}
		st.ActivatedOn = r.Machine
	}
	st.Activated = l.Now().UTC()
	return lost, r.SaveState(st)
}

// CopyHealth is what Get-StorageGroupCopyStatus shows of a storage
// group's copy.
func (l *Service) CopyHealth(sg *ad.StorageGroup) *org.CopyHealth {
	h := &org.CopyHealth{Status: "Healthy"}
	r, err := l.Replica(org.Identity(sg.Server).Join(sg.Name))
	if err != nil {
		h.Status, h.Error = "Failed", err.Error()
		return h
	}
	h.SourceUp = l.sourceUp(r)
	if !l.MachineUp(r.Machine) {
		h.Status = "ServiceDown"
		return h
	}
	st, err := r.LoadState()
	if err != nil {
		h.Status = "NotSeeded"
		return h
	}
	h.LastReplayed, h.SourceNewest = st.NextReplay-1, st.SourceNewest
	h.LastCopied = LastCopied(r.Logs, st.NextReplay)
	lag := ad.DurationOr(r.Config.ReplayLag, 0)
	for g := st.NextReplay; g <= h.LastCopied; g++ {
		if t, err := r.Logs.Created(g); err == nil && l.Now().Sub(t) > lag {
			h.ReplayBehind++
		}
	}
	if h.SourceUp {
		if cur, err := r.Source.Current(); err == nil && cur >= st.SourceNewest {
			h.SourceNewest = cur
		} else {
			h.SourceUp = false // a new stream, not the one the copy followed
		}
	}
	switch {
	case !st.Activated.IsZero() && st.ActivatedOn != "":
		h.ActivatedOn = st.ActivatedOn
		h.Status, h.Error = "Failed", "activated on "+st.ActivatedOn+" "+st.Activated.Format(time.RFC3339)+": replication ended; the copy serves there until failback"
	case !st.Activated.IsZero():
		h.Status, h.Error = "Failed", "activated "+st.Activated.Format(time.RFC3339)+": replication ended; seed the copy again"
	case st.Error != "":
		h.Status, h.Error = "Failed", st.Error
	case st.Suspended:
		h.Status = "Suspended"
	}
	for _, db := range r.DBs {
		path, err := l.HostPath(r.Machine, r.EDBPath(db))
		if err != nil {
			continue
		}
		if e, err := ese.OpenEDB(path, false); err != nil {
			if h.Status == "Healthy" {
				h.Status, h.Error = "Failed", fmt.Sprintf("the copy of %s cannot be read: %v", db.Identity(), err)
			}
		} else {
			// Its pages too: a copy that would not mount is no copy to
			// activate, and a seed replaces it (Update-StorageGroupCopy).
			bad, serr := e.Scan()
			e.Close()
			switch {
			case h.Status != "Healthy":
			case serr != nil:
				h.Status, h.Error = "Failed", fmt.Sprintf("the copy of %s cannot be read: %v", db.Identity(), serr)
			case len(bad) > 0:
				h.Status, h.Error = "Failed", fmt.Sprintf("the copy of %s has %d page(s) failing their checksums (JET -1018, first page %d)", db.Identity(), len(bad), bad[0])
			}
		}
		prod, err := l.HostPath(r.SG.Server, db.EdbFilePath)
		if err != nil {
			continue
		}
		if e, err := ese.OpenEDB(prod, false); err == nil {
			if seeded, ok := st.Seeded[db.Identity().Key()]; ok && seeded != e.Hdr.Signature {
				h.Stale = append(h.Stale, db.Identity())
			}
			e.Close()
		}
	}
	return h
}
