package lab

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
)

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
		return org.DefaultMountDial
	}
	return dial
}

func copyStateOf(h *org.CopyHealth) string {
	if h.Error != "" {
		return h.Status + " (" + h.Error + ")"
	}
	return h.Status
}
