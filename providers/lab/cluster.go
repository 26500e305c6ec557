package lab

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/replication"
	"github.com/exdr/exdr/providers/lab/store"
)

// A clustered mailbox server runs on the nodes of one failover cluster:
// each node is a machine of the lab (servers/NODE), and the server's
// paths are the disks of the node it runs on now (host.NodeOf). With
// cluster continuous replication (CCR) each storage group has its copy
// on the other node, at the same paths, kept by the replication service
// as an SCR copy is.
//
// When the node it runs on is lost, the cluster moves the server to the
// other node at once: each copy gets what it can, and the databases
// mount there if no storage group lacks more log generations than
// AutoDatabaseMountDial allows (Lossless none, GoodAvailability three,
// BestAvailability six). Otherwise the server stays offline, nothing
// mounted, until an administrator moves it accepting the loss, or the
// lost node returns. Exchange decides per storage group; the lab moves
// the whole server or none of it, kept on purpose: a drill then finds
// one state to recover from.

// clusterNodeArgs are the nodes a step names, comma-separated.
func clusterNodeArgs(s string) []string {
	var nodes []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			nodes = append(nodes, n)
		}
	}
	return nodes
}

// createClusteredServer is Setup /NewCms (the server made on new nodes)
// and Setup /RecoverCMS (a server whose nodes are all lost, brought back
// on the nodes of a new cluster with its name): each node gets a
// machine, and the server runs on the first.
func (l *Lab) createClusteredServer(step *providers.Step) error {
	name := step.Args["server"]
	nodes := clusterNodeArgs(step.Args["nodes"])
	if len(nodes) == 0 {
		return fmt.Errorf("a clustered mailbox server needs its nodes")
	}
	if t := step.Args["cluster_type"]; t != "" && t != org.ClusterCCR {
		// A single copy cluster's data lives on storage its nodes share,
		// which the lab, whose disks are each machine's own, does not
		// have: it would lose the data with a node SCC never loses.
		return fmt.Errorf("the lab simulates CCR clustered mailbox servers only, not a single copy cluster (%s): plan and apply it with the ems provider", t)
	}
	// Recovered already (a run again): it runs on a node of the new
	// cluster whose Setup finished. Asked before the nodes' machines
	// are made, which would bring an old node it ran on back up.
	var done bool
	err := l.ViewDirectory(func(d *ad.Directory) error {
		if s := d.Server(name); s != nil && s.Cluster != nil {
			a := s.Cluster.Active
			_, setup := os.Lstat(l.SetupWatermark(a))
			done = l.MachineUp(a) && setup != nil && slices.ContainsFunc(nodes, func(n string) bool { return strings.EqualFold(n, a) })
		}
		return nil
	})
	if err != nil || done {
		return err
	}
	for _, n := range nodes {
		if err := l.installNodeMachine(n); err != nil {
			return err
		}
	}
	err = l.UpdateDirectory(func(d *ad.Directory) error {
		s := d.Server(name)
		if s == nil {
			d.AddServer(&ad.Server{Name: name, Roles: org.Roles(org.RoleMailbox), Site: step.Args["site"], Edition: "enterprise",
				Cluster: &ad.Cluster{Type: store.OrDefault(step.Args["cluster_type"], org.ClusterCCR), Nodes: nodes, Active: nodes[0], MountDial: step.Args["mount_dial"]}})
			return nil
		}
		if s.Cluster == nil {
			return fmt.Errorf("%s is not a clustered mailbox server: Setup /RecoverCMS is for one", name)
		}
		s.Cluster.Nodes, s.Cluster.Active = nodes, nodes[0]
		if dial := step.Args["mount_dial"]; dial != "" {
			s.Cluster.MountDial = dial
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if err := os.Remove(l.SetupWatermark(n)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// installNode is Setup /mode:Install /roles:Mailbox on a node rebuilt
// and joined to the cluster again: the passive clustered mailbox role.
// Its copies are seeded by the steps after it.
func (l *Lab) installNode(step *providers.Step) error {
	node := step.Args["node"]
	err := l.ViewDirectory(func(d *ad.Directory) error {
		s := d.Server(string(step.Identity))
		if s == nil || s.Cluster == nil {
			return fmt.Errorf("%s is not a clustered mailbox server", step.Identity)
		}
		if !slices.ContainsFunc(s.Cluster.Nodes, func(n string) bool { return strings.EqualFold(n, node) }) {
			return fmt.Errorf("%s is not a node of %s (its nodes: %s)", node, s.Name, strings.Join(s.Cluster.Nodes, ", "))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := l.installNodeMachine(node); err != nil {
		return err
	}
	if err := os.Remove(l.SetupWatermark(node)); err != nil {
		return err
	}
	// Its replication service starts with it: a copy its disks kept
	// catches up at once, so that what it lacks is known before anything
	// else happens. A copy that cannot records why in its own state.
	l.Replicate()
	return nil
}

// installNodeMachine gives a node its machine, with Setup's watermark in
// place until the caller ends: a new one, or the failed one's disks on a
// new machine, whose services start from nothing.
func (l *Lab) installNodeMachine(node string) error {
	if err := l.markSetup(node, l.SetupWatermark(node), []byte("mailbox\n")); err != nil {
		return err
	}
	if l.Failed(node) {
		for _, p := range []string{l.StorePath(node), l.FailedPath(node)} {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return os.MkdirAll(l.DisksDir(node)+string(os.PathSeparator)+"C", 0o755)
}

// clusterOfNode is the clustered mailbox server a machine is a node of.
func clusterOfNode(d *ad.Directory, node string) *ad.Server {
	for _, s := range d.Servers {
		if s.Cluster != nil && slices.ContainsFunc(s.Cluster.Nodes, func(n string) bool { return strings.EqualFold(n, node) }) {
			return s
		}
	}
	return nil
}

// nodeNamed resolves a machine a damage names: a server, or a node of a
// clustered mailbox server (then cms is that server). A clustered mailbox
// server's own name stands for every one of its nodes.
func (l *Lab) nodeNamed(name string) (machines []string, cms string, err error) {
	err = l.ViewDirectory(func(d *ad.Directory) error {
		if s := d.Server(name); s != nil {
			if s.Cluster != nil {
				machines, cms = slices.Clone(s.Cluster.Nodes), s.Name
				return nil
			}
			machines = []string{s.Name}
			return nil
		}
		if s := clusterOfNode(d, name); s != nil {
			i := slices.IndexFunc(s.Cluster.Nodes, func(n string) bool { return strings.EqualFold(n, name) })
			machines, cms = []string{s.Cluster.Nodes[i]}, s.Name
			return nil
		}
		return fmt.Errorf("no server %s in the lab (nor a node of a clustered mailbox server)", name)
	})
	return machines, cms, err
}

// activeNode is the node a clustered mailbox server runs on.
func (l *Lab) activeNode(cms string) string {
	var active string
	l.ViewDirectory(func(d *ad.Directory) error {
		if s := d.Server(cms); s != nil && s.Cluster != nil {
			active = s.Cluster.Active
		}
		return nil
	})
	return active
}

// clusterCopies are a clustered mailbox server's storage groups with a
// CCR copy.
func clusterCopies(d *ad.Directory, cms string) []*ad.StorageGroup {
	var sgs []*ad.StorageGroup
	for _, sg := range d.StorageGroups {
		if strings.EqualFold(sg.Server, cms) && sg.Copy != nil && sg.Copy.Cluster {
			sgs = append(sgs, sg)
		}
	}
	return sgs
}

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
		allow = org.MountDials["good_availability"] // Exchange's default
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

// seedNewClusterCopy begins a new storage group's CCR copy at its
// database's first mount.
func (l *Lab) seedNewClusterCopy(db org.Identity) error {
	var sgID org.Identity
	var cms string
	l.ViewDirectory(func(d *ad.Directory) error {
		if x := d.Database(db); x != nil {
			if sg := d.StorageGroup(org.Identity(x.StorageGroup)); sg != nil && sg.Copy != nil && sg.Copy.Cluster && sg.Copy.NewSeed {
				sgID, cms = org.Identity(sg.Server).Join(sg.Name), sg.Server
			}
		}
		return nil
	})
	if sgID == "" {
		return nil
	}
	var passive string
	l.ViewDirectory(func(d *ad.Directory) error {
		if s := d.Server(cms); s != nil && s.Cluster != nil {
			passive = s.Cluster.Passive()
		}
		return nil
	})
	if passive == "" || !l.MachineUp(passive) {
		return nil // seeded once the passive node is back (Update-StorageGroupCopy)
	}
	if err := l.SeedCopy(sgID); err != nil {
		return fmt.Errorf("begin the copy of %s on %s: %w", sgID, passive, err)
	}
	return l.UpdateDirectory(func(d *ad.Directory) error {
		if sg := d.StorageGroup(sgID); sg != nil && sg.Copy != nil {
			sg.Copy.NewSeed = false
		}
		return nil
	})
}

// streamAt is a storage group's log stream in a folder of the lab.
func streamAt(dir string, sg *ad.StorageGroup) *ese.Stream {
	return &ese.Stream{Dir: dir, Prefix: sg.Prefix, Sig: sg.Signature}
}

// isClusterCopy reports whether a storage group's copy is CCR's.
func (l *Lab) isClusterCopy(id org.Identity) bool {
	var yes bool
	l.ViewDirectory(func(d *ad.Directory) error {
		sg := d.StorageGroup(id)
		yes = sg != nil && sg.Copy != nil && sg.Copy.Cluster
		return nil
	})
	return yes
}

// liveCluster is what the lab reads of a clustered mailbox server's
// cluster: where it runs, which nodes answer, its last move.
func (l *Lab) liveCluster(c *ad.Cluster) *org.Cluster {
	live := &org.Cluster{Type: c.Type, Nodes: slices.Clone(c.Nodes), AutoDatabaseMountDial: c.MountDial, Active: c.Active}
	for _, n := range c.Nodes {
		if !l.MachineUp(n) {
			live.NodesDown = append(live.NodesDown, n)
			if l.Failed(n) {
				live.NodesFailed = append(live.NodesFailed, n)
			}
		}
	}
	if n := len(c.Failovers); n > 0 {
		f := c.Failovers[n-1]
		live.LastFailover = &org.Failover{From: f.From, To: f.To, Time: f.Time, Scheduled: f.Scheduled, Lost: maps.Clone(f.Lost), Unmounted: slices.Clone(f.Unmounted)}
	}
	return live
}

// ClusterEvent says what the cluster of a clustered mailbox server, or of
// a node, did since a moment: the move it made (or could not), and what
// it lost, from its record. ok is false for a machine outside any
// cluster, or when the cluster did nothing.
func (l *Lab) ClusterEvent(name string, since time.Time) (string, bool) {
	var s *ad.Server
	l.ViewDirectory(func(d *ad.Directory) error {
		if s = d.Server(name); s == nil || s.Cluster == nil {
			s = clusterOfNode(d, name)
		}
		return nil
	})
	if s == nil || s.Cluster == nil {
		return "", false
	}
	n := len(s.Cluster.Failovers)
	if n == 0 || s.Cluster.Failovers[n-1].Time.Before(since) {
		if !l.MachineUp(s.Cluster.Active) {
			return fmt.Sprintf("%s does not run: no node of it that answers holds its databases.", s.Name), true
		}
		return fmt.Sprintf("%s runs on %s.", s.Name, s.Cluster.Active), true
	}
	f := s.Cluster.Failovers[n-1]
	var lost []string
	for _, sg := range slices.Sorted(maps.Keys(f.Lost)) {
		if f.Lost[sg] > 0 {
			lost = append(lost, fmt.Sprintf("%d log generation(s) of %s", f.Lost[sg], sg))
		}
	}
	what := "nothing lost"
	if len(lost) > 0 {
		what = "losing " + strings.Join(lost, ", ")
	}
	switch {
	case f.To == "":
		return fmt.Sprintf("%s did not fail over to %s: %s; it is offline, its databases dismounted.",
			s.Name, s.Cluster.Passive(), strings.Join(f.Why, "; ")), true
	case f.Scheduled:
		return fmt.Sprintf("%s moved from %s to %s, %s; its databases are mounted there.", s.Name, f.From, f.To, what), true
	}
	return fmt.Sprintf("%s failed over from %s to %s, %s; its databases are mounted there.", s.Name, f.From, f.To, what), true
}

func orDial(dial string) string {
	if dial == "" {
		return "good_availability"
	}
	return dial
}

func copyStateOf(h *org.CopyHealth) string {
	if h.Error != "" {
		return h.Status + " (" + h.Error + ")"
	}
	return h.Status
}
