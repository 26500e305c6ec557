package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/replication"
	"github.com/exdr/exdr/providers/lab/store"
)

// The cluster service's failover and Move-ClusteredMailboxServer: a
// clustered mailbox server moved between its nodes, its CCR copies
// activated where it goes (see cluster.go).

// failOver is the cluster service after the node a clustered mailbox
// server runs on is lost: the server moves to the other node if it
// answers and no copy lacks more than the dial allows. It returns what
// it recorded, or nil when there was nowhere to go.
func (l *Lab) failOver(ctx context.Context, cms string) (*ad.Failover, error) {
	var c ad.Cluster
	var sgs []*ad.StorageGroup
	var uncopied []string // storage groups with no CCR copy: nothing to move them with
	l.ViewDirectory(func(d *ad.Directory) error {
		if s := d.Server(cms); s != nil && s.Cluster != nil {
			c = *s.Cluster
		}
		sgs = clusterCopies(d, cms)
		for _, sg := range d.StorageGroups {
			if strings.EqualFold(sg.Server, cms) && !sg.Recovery && (sg.Copy == nil || !sg.Copy.Cluster) {
				uncopied = append(uncopied, sg.Name)
			}
		}
		return nil
	})
	to := c.Passive()
	if c.Type != org.ClusterCCR || to == "" || !l.MachineUp(to) || l.MachineUp(c.Active) {
		return nil, nil
	}
	f := &ad.Failover{From: c.Active, To: to, Time: l.Now().UTC(), Lost: map[string]int{}}
	allow, ok := org.MountDials[c.MountDial]
	if !ok {
		allow = org.MountDials[org.DefaultMountDial]
	}
	for _, name := range uncopied {
		f.Unmounted = append(f.Unmounted, name)
		f.Why = append(f.Why, fmt.Sprintf("%s has no CCR copy on %s", name, to))
	}
	for _, sg := range sgs {
		h := l.CopyHealth(sg)
		lost := h.CopyQueue()
		f.Lost[sg.Name] = lost
		switch {
		case h.Status == "NotSeeded" || h.Status == "Failed":
			f.Unmounted = append(f.Unmounted, sg.Name)
			f.Why = append(f.Why, fmt.Sprintf("%s's copy on %s is %s", sg.Name, to, copyStateOf(h)))
		case lost > allow:
			f.Unmounted = append(f.Unmounted, sg.Name)
			f.Why = append(f.Why, fmt.Sprintf("%s's copy lacks %d log generation(s), more than AutoDatabaseMountDial (%s) allows", sg.Name, lost, orDial(c.MountDial)))
		}
	}
	if len(f.Unmounted) > 0 {
		// Nothing mounts: the server stays where it was, offline, and
		// the attempt is recorded for the administrator to decide.
		f.To = ""
		return f, l.recordFailover(cms, f, "")
	}
	return f, l.moveTo(ctx, cms, sgs, to, f)
}

// moveTo is failOver's move once the copies allow it: activated on the
// node the server moves to, then mounted there.
func (l *Lab) moveTo(ctx context.Context, cms string, sgs []*ad.StorageGroup, to string, f *ad.Failover) error {
	if err := l.activateOn(ctx, cms, sgs, to, f); err != nil {
		return err
	}
	return l.mountGroups(cms, sgs)
}

// activateOn activates every CCR copy on the node the server moves to
// (Restore-StorageGroupCopy: each copy gets what it can, replays it and
// is brought to a clean shutdown), records the move, and sets the
// copies' records aside: the copies are the production databases now,
// ready to mount. A kill anywhere is finished by running it again: an
// activated copy is activated already, and setAsideActivated finds the
// records a stopped run left.
func (l *Lab) activateOn(ctx context.Context, cms string, sgs []*ad.StorageGroup, to string, f *ad.Failover) error {
	for _, sg := range sgs {
		id := org.Identity(sg.Server).Join(sg.Name)
		lost, err := l.ActivateCopy(ctx, &providers.Step{Verb: providers.VerbActivateCopy, Identity: id,
			Args: map[string]string{"on_standby": "true", "force": "true"}})
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		f.Lost[sg.Name] = max(f.Lost[sg.Name], lost)
	}
	if err := l.recordFailover(cms, f, to); err != nil {
		return err
	}
	return l.setAsideActivated(cms, sgs)
}

// recordFailover writes the move (or the attempt) to the directory, and
// where the server runs now.
func (l *Lab) recordFailover(cms string, f *ad.Failover, to string) error {
	return l.UpdateDirectory(func(d *ad.Directory) error {
		s := d.Server(cms)
		if s == nil || s.Cluster == nil {
			return fmt.Errorf("%s is not a clustered mailbox server", cms)
		}
		if to != "" {
			s.Cluster.Active = to
		}
		s.Cluster.Failovers = append(s.Cluster.Failovers, f)
		return nil
	})
}

// setAsideActivated sets aside the records (copy.json, activated) of
// the copies a move activated on the node the server runs on now.
func (l *Lab) setAsideActivated(cms string, sgs []*ad.StorageGroup) error {
	node := l.activeNode(cms)
	for _, sg := range sgs {
		dir, err := l.HostPath(node, sg.LogFolderPath)
		if err != nil {
			return err
		}
		r := &replication.Replica{Logs: streamAt(dir, sg)}
		st, err := r.LoadState()
		if errors.Is(err, os.ErrNotExist) || (err == nil && st.Activated.IsZero()) {
			continue // not a copy a move activated
		}
		if err != nil {
			return err
		}
		if _, err := disk.MoveAside(r.StatePath(), l.Now()); err != nil {
			return err
		}
	}
	return nil
}

// groupDatabases are a storage group's databases.
func (l *Lab) groupDatabases(sg *ad.StorageGroup) []org.Identity {
	var dbs []org.Identity
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, db := range d.Databases {
			if strings.EqualFold(db.StorageGroup, string(org.Identity(sg.Server).Join(sg.Name))) && db.RecoveryOf == "" {
				dbs = append(dbs, db.Identity())
			}
		}
		return nil
	})
	return dbs
}

// mountGroups mounts the storage groups' databases where the server
// runs now.
func (l *Lab) mountGroups(cms string, sgs []*ad.StorageGroup) error {
	for _, sg := range sgs {
		for _, db := range l.groupDatabases(sg) {
			if err := l.Store.Mount(db); err != nil {
				return fmt.Errorf("mount %s on %s: %w", db, l.activeNode(cms), err)
			}
		}
	}
	return nil
}

// ActivateClusterCopy is Restore-StorageGroupCopy on a CCR storage group
// whose server's node is lost and did not fail over on its own (the
// copies lacked more than AutoDatabaseMountDial allows): the server
// moves to the passive node, every copy activated there, accepting what
// they lack; the databases are mounted by the steps after it.
func (l *Lab) ActivateClusterCopy(ctx context.Context, step *providers.Step) error {
	var c ad.Cluster
	var sgs []*ad.StorageGroup
	err := l.ViewDirectory(func(d *ad.Directory) error {
		sg := d.StorageGroup(step.Identity)
		if sg == nil {
			return fmt.Errorf("storage group does not exist")
		}
		s := d.Server(sg.Server)
		if s == nil || s.Cluster == nil {
			return fmt.Errorf("%s is not a clustered mailbox server", sg.Server)
		}
		c = *s.Cluster
		sgs = clusterCopies(d, s.Name)
		return nil
	})
	if err != nil {
		return err
	}
	cms := sgs[0].Server
	if l.MachineUp(c.Active) {
		if n := len(c.Failovers); n > 0 && strings.EqualFold(c.Failovers[n-1].To, c.Active) {
			return l.setAsideActivated(cms, sgs) // moved already: a stopped run's records finished
		}
		return fmt.Errorf("%s runs on %s: a CCR copy is activated (Restore-StorageGroupCopy) only after the node the server ran on is lost and the cluster did not mount its databases; "+
			"if %s was rebuilt before the copies on %s were activated, it holds none of the databases: move the server there with Move-ClusteredMailboxServer once they are seeded, or restore", cms, c.Active, c.Active, c.Passive())
	}
	to := c.Passive()
	if !l.MachineUp(to) {
		return fmt.Errorf("neither node of %s answers: there is no copy to activate", cms)
	}
	return l.activateOn(ctx, cms, sgs, to, &ad.Failover{From: c.Active, To: to, Time: l.Now().UTC(), Lost: map[string]int{}})
}

// MoveClusteredServer is Move-ClusteredMailboxServer: a scheduled move
// to the passive node with nothing lost (every database dismounted, its
// logs copied and replayed into the copy, mounted there, and the node
// left behind seeded again as the passive copy). With the node the
// server ran on lost, it is the move the cluster did not make on its
// own, and it loses what the copies lack: only with accept_loss.
func (l *Lab) MoveClusteredServer(ctx context.Context, step *providers.Step) error {
	cms := string(step.Identity)
	var c ad.Cluster
	var sgs []*ad.StorageGroup
	err := l.ViewDirectory(func(d *ad.Directory) error {
		s := d.Server(cms)
		if s == nil || s.Cluster == nil {
			return fmt.Errorf("%s is not a clustered mailbox server", cms)
		}
		c, cms = *s.Cluster, s.Name
		sgs = clusterCopies(d, cms)
		return nil
	})
	if err != nil {
		return err
	}
	target := step.Args["target"]
	if !slices.ContainsFunc(c.Nodes, func(n string) bool { return strings.EqualFold(n, target) }) {
		return fmt.Errorf("%s is not a node of %s (its nodes: %s)", target, cms, strings.Join(c.Nodes, ", "))
	}
	if strings.EqualFold(c.Active, target) {
		// Moved already: a stopped run's records and mounts finished.
		if err := l.setAsideActivated(cms, sgs); err != nil {
			return err
		}
		return l.mountGroups(cms, sgs)
	}
	if !l.MachineUp(target) {
		return fmt.Errorf("the node %s does not answer", target)
	}
	scheduled := l.MachineUp(c.Active)
	f := &ad.Failover{From: c.Active, To: target, Time: l.Now().UTC(), Scheduled: scheduled, Lost: map[string]int{}}
	for _, sg := range sgs {
		h := l.CopyHealth(sg)
		switch {
		case h.Status == "NotSeeded" || h.Status == "ServiceDown":
			return fmt.Errorf("%s\\%s has no copy on %s to move to (%s): seed it first (Update-StorageGroupCopy)", cms, sg.Name, target, h.Status)
		case h.Status == "Failed" && h.ActivatedOn == "":
			return fmt.Errorf("%s\\%s's copy on %s has failed (%s): seed it again first", cms, sg.Name, target, h.Error)
		case !scheduled && h.CopyQueue() > 0 && step.Args["accept_loss"] != "true":
			return fmt.Errorf("%s does not answer and %s\\%s's copy lacks %d log generation(s): moving loses them; accept the loss to move", c.Active, cms, sg.Name, h.CopyQueue())
		}
	}
	if scheduled {
		for _, sg := range sgs {
			if err := l.dismountGroup(sg); err != nil {
				return err
			}
		}
	}
	if err := l.moveTo(ctx, cms, sgs, target, f); err != nil {
		return err
	}
	if !scheduled {
		return nil
	}
	// The node left behind is the passive one now: its copies are
	// seeded again from the moved databases. (Exchange goes on copying
	// the same stream; the lab's activation starts a new one.)
	for _, sg := range sgs {
		if err := l.SeedCopy(org.Identity(sg.Server).Join(sg.Name)); err != nil {
			return err
		}
	}
	return nil
}

// dismountGroup dismounts a storage group's databases for a move.
func (l *Lab) dismountGroup(sg *ad.StorageGroup) error {
	for _, db := range l.groupDatabases(sg) {
		if err := l.Store.Dismount(db); err != nil && !errors.Is(err, store.ErrDirtyNotMounted) {
			return fmt.Errorf("dismount %s: %w", db, err)
		}
	}
	return nil
}
