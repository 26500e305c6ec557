package lab

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/ese"
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
