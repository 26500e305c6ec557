package planner

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/hashicorp/hcl/v2"
)

// A clustered mailbox server is never rebuilt with Setup /m:RecoverServer.
// What the plan does depends on which of its nodes answer (the provider
// reads where it runs and which nodes are down; the shell cannot, and
// then the plan refuses with the procedure instead):
//
//   - every node lost: Setup /RecoverCMS on the declared nodes, its
//     databases from their backups as after any rebuild, its CCR copies
//     seeded again;
//   - the node it runs on lost, the server not moved (the copies lacked
//     more than AutoDatabaseMountDial allows): Restore-StorageGroupCopy on
//     each storage group, accepting what the copies lack, then
//     Mount-Database; then the lost node rebuilt and its copies seeded;
//   - the node it runs on failed with its disks: that node rebuilt on new
//     hardware with them, and its databases recovered from their own logs,
//     nothing lost;
//   - another node lost or failed (the passive one, or the one it failed
//     over from): that node rebuilt with the passive role, its copies
//     seeded again. A failover the cluster made is stated in a note.

// clusteredServer plans a clustered mailbox server whose live state the
// provider reads; it reports whether it did (false: the caller's general
// refusals and notes apply).
func (b *builder) clusteredServer(s *org.Server, live *org.Server) bool {
	lc := live.Cluster
	if s.Cluster == nil || lc == nil || live.Health == nil {
		return false
	}
	addr := s.Addr.String()
	nodes := activeFirst(s.Cluster)
	// What exdr does not change: listed as differing, so that no plan
	// says the organization matches the configuration.
	if !sameNodes(s.Cluster.Nodes, lc.Nodes) && len(lc.NodesDown) < len(lc.Nodes) {
		b.plan.Waiting = append(b.plan.Waiting, Waiting{Address: addr, Identity: s.Identity(),
			Why: fmt.Sprintf("its nodes are %s, the configuration says %s: exdr does not add or evict cluster nodes (Setup on a new node, or evicting one, is yours); change the configuration or the cluster",
				strings.Join(lc.Nodes, ", "), strings.Join(s.Cluster.Nodes, ", "))})
	}
	if want := s.Cluster.AutoDatabaseMountDial; want != "" && lc.AutoDatabaseMountDial != "" && want != lc.AutoDatabaseMountDial {
		prev := b.lastStepOf(addr)
		after(b.add(&providers.Step{
			Verb: providers.VerbSetMailboxServer, Address: addr, Identity: s.Identity(),
			Args:   map[string]string{"auto_database_mount_dial": want},
			Reason: fmt.Sprintf("AutoDatabaseMountDial is %s, the configuration says %s: what a failover may lose and still mount on its own", lc.AutoDatabaseMountDial, want),
			Effect: providers.Reversible,
		}), prev)
	}
	if lc.Type != "" && s.Cluster.Type != lc.Type {
		b.plan.Waiting = append(b.plan.Waiting, Waiting{Address: addr, Identity: s.Identity(),
			Why: fmt.Sprintf("it is a %s clustered mailbox server, the configuration says %s: exdr does not convert one kind of cluster to the other", strings.ToUpper(lc.Type), strings.ToUpper(s.Cluster.Type))})
	}
	switch {
	case !live.Health.Up && lc.NodeFailed(lc.Active):
		// Its disks survive: on new hardware with them, the server comes
		// back where it ran, its databases recovered from their own logs.
		step := b.rebuildNode(s, lc.Active, "its disks survive, to be moved to the new machine: the server runs there again and its databases recover from their own logs, losing nothing")
		b.last[addr] = step // the storage groups and databases wait for it
		// The copies on the other node go on following the same logs:
		// nothing to seed.
		delete(b.clusterRebuilt, org.Identity(s.Name).Key())
		if p := lc.Passive(); p != "" && !lc.NodeDown(p) {
			b.note("%s: its CCR copies on %s could serve sooner: Restore-StorageGroupCopy there, then Mount-Database, losing what they lack; exdr waits for %s's disks instead, which lose nothing.", addr, p, lc.Active)
		}
		// Every other node down too: each rebuilt with the passive role
		// after it, its copies seeded.
		for _, n := range lc.NodesDown {
			if !strings.EqualFold(n, lc.Active) {
				after(b.rebuildNode(s, n, "it is down with "+lc.Active+", which the server comes back on"), step)
			}
		}
		return true
	case len(lc.NodesDown) == len(lc.Nodes) && len(lc.Nodes) > 0:
		args := map[string]string{"server": s.Name, "roles": s.Roles.String(), "setup": "recover_cms", "nodes": strings.Join(nodes, ","),
			"cluster_type": s.Cluster.Type, "mount_dial": s.Cluster.AutoDatabaseMountDial}
		if s.Cluster.IPAddress != "" {
			args["ip_address"] = s.Cluster.IPAddress
		}
		prev := b.lastStepOf(addr) // Set-MailboxServer, if any: the same object
		step := b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(),
			Args: args,
			Reason: fmt.Sprintf("every node of %s (%s) does not answer: it is recovered on the nodes of a new failover cluster (%s) with Setup /RecoverCMS, which keeps its name and Active Directory object; "+
				"its databases follow from what survives of them", s.Name, strings.Join(lc.Nodes, ", "), strings.Join(nodes, ", ")),
			Effect: providers.Reversible,
		})
		after(step, prev)
		b.clusterRebuilt[org.Identity(s.Name).Key()] = step
		b.trackHub(s, step)
		return true
	case !live.Health.Up:
		passive := lc.Passive()
		if passive == "" || lc.NodeDown(passive) {
			return false
		}
		activations := b.activateClusterCopies(s, live, passive)
		// After the activations: rebuilt first, the node would take the
		// server back with none of its databases.
		after(b.rebuildNode(s, lc.Active, "it was lost with its disks; the server runs on "+passive+" once its copies are activated, and the rebuilt node takes the passive role"), activations...)
		return true
	}
	if f := lc.LastFailover; f != nil && !f.Scheduled && f.To != "" && lc.NodeDown(f.From) {
		at := f.Time.UTC().Format("2006-01-02 15:04:05Z")
		b.note("%s: the cluster moved it from %s to %s at %s, %s.", addr, f.From, f.To, at, describeLost(f.Lost))
		// Lost already, and no step brings it back: the recovery point
		// says so rather than "nothing is lost".
		for _, sg := range b.desired.StorageGroups {
			if n := f.Lost[sg.Name]; n > 0 && strings.EqualFold(sg.Server, s.Name) {
				for _, db := range b.databasesOf(sg) {
					b.plan.Losses = append(b.plan.Losses, Loss{Address: db.Addr.String(),
						What: fmt.Sprintf("%s of %s, lost already in the cluster's failover at %s (the copy on %s never received them)", plural(n, "log generation"), sg.Identity(), at, f.To)})
				}
			}
		}
	}
	for _, n := range lc.NodesDown {
		why := "it was lost with its disks"
		if lc.NodeFailed(n) {
			why = "its machine failed; its disks survive, but the copies on them stopped when it did"
		}
		b.rebuildNode(s, n, why+"; the server runs on "+lc.Active+" meanwhile, without a copy")
	}
	return true
}

// rebuildNode plans a node of a clustered mailbox server rebuilt and
// given the passive clustered mailbox role: Windows with the same name,
// joined to the failover cluster again, then Setup /mode:Install
// /roles:Mailbox. Its copies are seeded after it (clusterCopies).
func (b *builder) rebuildNode(s *org.Server, node, why string) *providers.Step {
	prev := b.lastStepOf(s.Addr.String()) // Set-MailboxServer, if any: the same object
	step := after(b.add(&providers.Step{
		Verb: providers.VerbCreateServer, Address: s.Addr.String() + ".node." + node, Identity: s.Identity(),
		Args:   map[string]string{"server": s.Name, "roles": s.Roles.String(), "setup": "cluster_node", "node": node, "nodes": strings.Join(s.Cluster.Nodes, ",")},
		Reason: fmt.Sprintf("node %s of %s does not answer: %s", node, s.Name, why),
		Effect: providers.Reversible,
	}), prev)
	b.clusterRebuilt[org.Identity(s.Name).Key()] = step
	return step
}

// activateClusterCopies plans Restore-StorageGroupCopy for each storage
// group of a server whose node is lost and which the cluster did not
// move: on the passive node, accepting what each copy lacks. Its
// databases are mounted after it (database).
func (b *builder) activateClusterCopies(s *org.Server, live *org.Server, passive string) (steps []*providers.Step) {
	lc := live.Cluster
	// The dial that held the failover back: the live one.
	dial := lc.AutoDatabaseMountDial
	if dial == "" {
		dial = s.Cluster.AutoDatabaseMountDial
	}
	if dial == "" {
		dial = org.DefaultMountDial
	}
	for _, sg := range b.desired.StorageGroups {
		if !strings.EqualFold(sg.Server, s.Name) {
			continue
		}
		lsg := b.liveIx.StorageGroup(sg.Identity())
		if lsg == nil || lsg.Copy == nil || !lsg.Copy.Cluster || lsg.Copy.Health == nil {
			continue
		}
		h := lsg.Copy.Health
		dbs := b.databasesOf(sg)
		addr := sg.Addr.String()
		if h.Status != "Healthy" || len(h.Stale) > 0 {
			subject := sg.Decl.Range
			b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No copy to fail over to",
				Detail: fmt.Sprintf("%s: %s's node %s is lost and the CCR copy of %s on %s cannot be activated (%s). Restore its databases from backup once %s runs on a node again: rebuild %s first (exdr apply -target %s plans only the server and its nodes), then plan again.",
					addr, s.Name, lc.Active, sg.Identity(), passive, copyState(h), s.Name, lc.Active, s.Addr),
				Subject: &subject})
			continue
		}
		lost := h.CopyQueue()
		effect, loss := providers.Irreversible, ""
		if lost > 0 {
			loss = fmt.Sprintf("log generation %d and later (%s), which the copy on %s never received before %s was lost", h.LastCopied+1, plural(lost, "generation"), passive, lc.Active)
			refused := false
			for _, db := range dbs {
				if !b.allowed(db, fmt.Sprintf("%s's node %s is lost and the cluster did not move it: its CCR copy on %s lacks %s, more than AutoDatabaseMountDial (%s) lets a failover lose; activating it (Restore-StorageGroupCopy) loses %s",
					s.Name, lc.Active, passive, plural(lost, "log generation"), dial, loss),
					"A restore from a backup would lose more: everything since the backup, as the lost node's logs are gone with it.") {
					refused = true
				}
			}
			if refused {
				continue
			}
			effect = providers.DataLoss
			for _, db := range dbs {
				b.plan.Losses = append(b.plan.Losses, Loss{Address: db.Addr.String(), What: loss})
			}
		}
		step := b.add(&providers.Step{
			Verb: providers.VerbActivateCopy, Address: addr, Identity: sg.Identity(),
			Args: map[string]string{"cluster": "true", "node": passive},
			Reason: fmt.Sprintf("%s's node %s is lost and the cluster did not mount its databases on %s (AutoDatabaseMountDial %s; the copy lacks %s): "+
				"Restore-StorageGroupCopy activates the copy there, and %s runs on %s", s.Name, lc.Active, passive, dial, plural(lost, "log generation"), s.Name, passive),
			Effect: effect, Loss: loss,
		})
		if lost > 0 && len(dbs) > 0 {
			step.Consent = b.consent[dbs[0].Addr.String()]
		}
		b.clusterActivated[sg.Identity().Key()] = step
		steps = append(steps, step)
	}
	return steps
}

// clusterCopies plans the seeds of CCR copies: on a rebuilt node, after
// an activation or a /RecoverCMS, or wherever a copy failed. After the
// databases, from which they are seeded.
func (b *builder) clusterCopies() {
	for _, sg := range b.desired.StorageGroups {
		s := b.wantIx.Server(sg.Server)
		live := b.liveIx.StorageGroup(sg.Identity())
		if s == nil || s.Cluster == nil || s.Cluster.Type != org.ClusterCCR || live == nil || live.Copy == nil || !live.Copy.Cluster || live.Copy.Health == nil {
			continue
		}
		h := live.Copy.Health
		rebuilt := b.clusterRebuilt[org.Identity(s.Name).Key()]
		deps := []*providers.Step{b.lastStepOf(sg.Addr.String()), rebuilt}
		for _, db := range b.databasesOf(sg) {
			deps = append(deps, b.lastStepOf(db.Addr.String()))
		}
		why := ""
		switch {
		case rebuilt != nil:
			why = fmt.Sprintf("the copy of %s is seeded on the rebuilt node", sg.Identity())
		case h.Status == "ServiceDown":
			b.note("%s: the node of its CCR copy does not answer; the copy cannot protect %s until it is back.", sg.Addr, sg.Identity())
		case h.Status == "NotSeeded" || h.Status == "Failed":
			why = "the copy is not seeded"
			if h.Error != "" {
				why = "the copy failed: " + h.Error
			}
		case len(h.Stale) > 0:
			why = fmt.Sprintf("the copy of %s was seeded from a file since restored or repaired: no log can be replayed into it", h.Stale[0])
		}
		if why == "" {
			continue
		}
		after(b.add(&providers.Step{
			Verb: providers.VerbSeedCopy, Address: sg.Addr.String(), Identity: sg.Identity(),
			Reason:   "CCR: " + why + " (Update-StorageGroupCopy; the old copy files are set aside first)",
			Effect:   providers.Reversible,
			Estimate: b.estimate(providers.VerbSeedCopy, copyBytes(b.databasesOf(sg), b)),
		}), deps...)
	}
}

func (b *builder) databasesOf(sg *org.StorageGroup) []*org.Database {
	var dbs []*org.Database
	for _, db := range b.desired.Databases {
		if db.StorageGroup.Key() == sg.Identity().Key() {
			dbs = append(dbs, db)
		}
	}
	return dbs
}

// describeLost says what a failover lost, by storage group.
func describeLost(lost map[string]int) string {
	var parts []string
	for _, sg := range slices.Sorted(maps.Keys(lost)) {
		if lost[sg] > 0 {
			parts = append(parts, fmt.Sprintf("%s of %s", plural(lost[sg], "log generation"), sg))
		}
	}
	if len(parts) == 0 {
		return "losing nothing"
	}
	return "losing " + strings.Join(parts, ", ") + " (mail in them is gone)"
}

// activeFirst lists a cluster's nodes with the one it should run on
// first: Setup /NewCms and /RecoverCMS run there, and the server starts
// there.
func activeFirst(c *org.Cluster) []string {
	nodes := slices.Clone(c.Nodes)
	if i := slices.IndexFunc(nodes, func(n string) bool { return strings.EqualFold(n, c.ActiveNode) }); i > 0 {
		nodes[0], nodes[i] = nodes[i], nodes[0]
	}
	return nodes
}

// clusterMoves plans Move-ClusteredMailboxServer for a CCR server that,
// once the rest of the plan is done, runs elsewhere than its declared
// active_node: a scheduled outage in which nothing is lost, after the
// copies there are healthy (seeded by this plan, or already).
func (b *builder) clusterMoves() {
	for _, s := range b.desired.Servers {
		c := s.Cluster
		live := b.liveIx.Server(s.Name)
		if c == nil || c.ActiveNode == "" || c.Type != org.ClusterCCR || live == nil || live.Cluster == nil || live.Health == nil {
			continue
		}
		lc := live.Cluster
		addr := s.Addr.String()
		runs := lc.Active
		deps := []*providers.Step{b.lastStepOf(addr), b.clusterRebuilt[org.Identity(s.Name).Key()]}
		ready := true
		for _, sg := range b.desired.StorageGroups {
			if !strings.EqualFold(sg.Server, s.Name) {
				continue
			}
			if b.clusterActivated[sg.Identity().Key()] != nil {
				runs = lc.Passive()
			}
			deps = append(deps, b.lastStepOf(sg.Addr.String()))
			for _, db := range b.databasesOf(sg) {
				deps = append(deps, b.lastStepOf(db.Addr.String()))
			}
			seeded := b.lastStepOf(sg.Addr.String()) != nil && b.lastStepOf(sg.Addr.String()).Verb == providers.VerbSeedCopy
			lsg := b.liveIx.StorageGroup(sg.Identity())
			healthy := lsg != nil && lsg.Copy != nil && lsg.Copy.Health != nil && lsg.Copy.Health.Status == "Healthy" && len(lsg.Copy.Health.Stale) == 0
			if !seeded && !healthy {
				ready = false
			}
		}
		if rec := b.lastStepOf(addr); rec != nil && rec.Args["setup"] == "recover_cms" {
			runs = activeFirst(c)[0]
		}
		if strings.EqualFold(runs, c.ActiveNode) {
			continue
		}
		if !ready {
			b.note("%s: it runs on %s, and active_node says %s: it is moved there once the copies on %s are healthy.", addr, runs, c.ActiveNode, c.ActiveNode)
			continue
		}
		after(b.add(&providers.Step{
			Verb: providers.VerbMoveClusteredServer, Address: addr + ".move", Identity: s.Identity(),
			Args: map[string]string{"target": c.ActiveNode, "comment": "exdr: active_node = " + c.ActiveNode},
			Reason: fmt.Sprintf("it runs on %s, and active_node says %s: a scheduled move in a maintenance window, every log copied and replayed on %s first, nothing lost; users are disconnected for the move",
				runs, c.ActiveNode, c.ActiveNode),
			Effect: providers.Downtime,
		}), deps...)
	}
}
