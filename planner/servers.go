package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/hashicorp/hcl/v2"
)

func (b *builder) server(s *org.Server) {
	addr := s.Addr.String()
	live := b.liveIx.Server(s.Name)
	args := map[string]string{"server": s.Name, "roles": s.Roles.String(), "site": s.Site, "edition": s.Edition.String()}
	var nodes []string
	if live != nil {
		nodes = live.ClusterNodes
	}
	if s.Cluster != nil && len(nodes) == 0 {
		nodes = s.Cluster.Nodes
	}
	switch {
	case live == nil && b.priorLife(s.Name) != "":
		// RecoverServer needs the directory entry; a fresh install would
		// give the databases new identities under the same names.
		subject := s.Decl.Range
		b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Server missing from Active Directory",
			Detail: fmt.Sprintf("%s: server %s has no object in Active Directory, yet %s: it existed, and its directory entry is gone. "+
				"Setup /m:RecoverServer needs that entry, and a fresh install would give its storage groups and databases new objects, stranding those mailboxes and backups. "+
				"Restore the server's object from an Active Directory backup (an authoritative restore of the configuration partition), then plan again.", addr, s.Name, b.priorLife(s.Name)),
			Subject: &subject})
		return
	case live == nil && s.Cluster != nil:
		// Setup /NewCms on the active node of a failover cluster the
		// administrator forms, the passive role on the others.
		args["setup"], args["nodes"], args["cluster_type"], args["mount_dial"] = "new_cms", strings.Join(activeFirst(s.Cluster), ","), s.Cluster.Type, s.Cluster.AutoDatabaseMountDial
		if s.Cluster.IPAddress != "" {
			args["ip_address"] = s.Cluster.IPAddress
		}
		b.trackHub(s, b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("clustered mailbox server %s does not exist: it is installed on the failover cluster of %s, running on %s", s.Name, strings.Join(s.Cluster.Nodes, " and "), activeFirst(s.Cluster)[0]),
			Effect: providers.Reversible,
		}))
		return
	case live == nil:
		args["setup"] = "install"
		b.trackHub(s, b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("server %s does not exist", s.Name), Effect: providers.Reversible,
		}))
		return
	case live.Health != nil && live.Health.Up && live.Health.SetupIncomplete:
		args["setup"] = "resume"
		if s.Cluster != nil {
			// Setup /NewCms run again on the nodes: it resumes too.
			args["setup"], args["nodes"], args["cluster_type"], args["mount_dial"] = "new_cms", strings.Join(activeFirst(s.Cluster), ","), s.Cluster.Type, s.Cluster.AutoDatabaseMountDial
		}
		step := b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("Setup did not finish on %s (its Watermark is left in the registry under HKLM\\SOFTWARE\\Microsoft\\Exchange\\v8.0): "+
				"Setup run again resumes from it", s.Name),
			Effect: providers.Reversible,
		})
		b.trackHub(s, step)
		if s.Cluster != nil {
			// The nodes Setup makes hold no copy yet: seeded after it.
			b.clusterRebuilt[org.Identity(s.Name).Key()] = step
		}
		return
	case s.Cluster != nil && b.clusteredServer(s, live):
		return
	case live.Health != nil && !live.Health.Up && len(nodes) > 0:
		// Setup /m:RecoverServer is not for clusters: a clustered
		// mailbox server comes back with Setup /RecoverCMS on the nodes
		// of a new failover cluster, after Setup /ClearLocalCMS on an
		// old node still there (the Exchange 2007 help's "How to Use
		// Setup /ClearLocalCMS", which names RedundantMachines too:
		// unifiedpeople.ru/exchhelp.en/html/4e2c53e9-13f6-4ad9-95a6-4e75c821037f.htm).
		subject := s.Decl.Range
		b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Clustered mailbox server down",
			Detail: fmt.Sprintf("%s: %s is a clustered mailbox server (its nodes: %s) and does not answer. It is not rebuilt with Setup /m:RecoverServer, which does not apply to clusters: "+
				"start it on a node that works (Start-ClusteredMailboxServer; for a single copy cluster, once its shared storage is back), or, with every node lost, form a new failover cluster and run Setup /RecoverCMS for %s (its name and IP address) on its active node "+
				"(Setup /ClearLocalCMS first on any old node still present). exdr does not plan cluster recovery yet: plan again once %s answers, and meanwhile recover the rest with -target.",
				addr, s.Name, strings.Join(nodes, ", "), s.Name, s.Name),
			Subject: &subject})
		return
	case live.Health != nil && !live.Health.Up && s.Roles.Has(org.RoleEdgeTransport):
		// Edge keeps its configuration in ADAM, not AD: RecoverServer
		// does not apply.
		args["setup"] = "install"
		b.trackHub(s, b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("Edge server %s does not answer; Edge is not recovered with /m:RecoverServer: the role is installed again with the same name", s.Name),
			Effect: providers.Reversible,
		}))
		b.lostQueue(addr, live)
		if s.Edge == nil || s.Edge.ClonedConfig == "" {
			b.note("%s: it comes back with the default Edge configuration: declare edge { cloned_config = \"...\" } with its export so that a rebuild restores its connectors, agents and settings.", addr)
		}
		return
	case live.Health != nil && !live.Health.Up:
		why := "its disks are gone"
		switch {
		case live.Health.DisksSurvive:
			why = "its machine has failed and its disks survive, to be moved to the new machine"
		case live.Health.DisksUnknown:
			why = "whether its disks survive cannot be read through the shell (if they do, move them to the new machine, same drive letters, before Setup)"
		}
		args["setup"] = "recover_server"
		b.trackHub(s, b.add(&providers.Step{
			Verb: providers.VerbCreateServer, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("server %s does not answer: %s; its Active Directory object remains, so it is rebuilt with the same name and roles (%s)", s.Name, why, s.Roles),
			Effect: providers.Reversible,
		}))
		if s.Roles.Has(org.RoleClientAccess) {
			b.note("%s: RecoverServer brings Client Access back with default virtual directories; re-apply OWA, ActiveSync and certificate customizations from your change log (do not restore an old IIS metabase).", addr)
		}
		if s.Roles.Has(org.RoleUnifiedMessaging) {
			b.note("%s: if it published Unified Messaging prompts, restore UnifiedMessaging\\Prompts from a file backup.", addr)
		}
		if s.Roles.Has(org.RoleHubTransport) {
			b.lostQueue(addr, live)
		}
		return
	}
	if c := s.Cluster; c != nil && len(live.ClusterNodes) > 0 && !sameNodes(c.Nodes, live.ClusterNodes) {
		b.note("%s: its nodes differ (live %s, configuration %s); exdr does not add or evict cluster nodes.", addr, strings.Join(live.ClusterNodes, ", "), strings.Join(c.Nodes, ", "))
	}
	if live.Roles != s.Roles {
		b.note("%s: the roles differ (live %s, configuration %s); exdr does not add or remove roles.", addr, live.Roles, s.Roles)
	}
}

// trackHub remembers the rebuild of a Hub Transport or Client Access
// server with no other of its role up in its site: databases mount (the
// users are back) only after it, so that mail flows and clients can
// connect when they are.
func (b *builder) trackHub(s *org.Server, step *providers.Step) {
	if s.Roles.Has(org.RoleHubTransport) && !b.otherUp(s, org.RoleHubTransport) {
		b.hubs = append(b.hubs, step)
	}
	if s.Roles.Has(org.RoleClientAccess) && !b.otherUp(s, org.RoleClientAccess) {
		b.clientAccess = append(b.clientAccess, step)
	}
}

// otherUp reports whether another server with the role answers in s's
// site.
func (b *builder) otherUp(s *org.Server, role org.Role) bool {
	for _, o := range b.live.Servers {
		if !strings.EqualFold(o.Name, s.Name) && o.Roles.Has(role) && strings.EqualFold(o.Site, s.Site) && o.Health != nil && o.Health.Up {
			return true
		}
	}
	return false
}

// serverAddr finds the configuration address of a server by name.
func (b *builder) serverAddr(name string) string {
	if s := b.wantIx.Server(name); s != nil {
		return s.Addr.String()
	}
	return ""
}

// priorLife says what in the live organization shows that a server absent
// from the directory existed: mailboxes homed on its databases, backups
// of its storage groups. Empty when nothing does (a server never built).
func (b *builder) priorLife(server string) string {
	prefix := strings.ToLower(server) + `\`
	mailboxes, sets := 0, 0
	for _, m := range b.live.Mailboxes {
		if m.Health != nil && m.Health.InDirectory && strings.HasPrefix(strings.ToLower(string(m.Database)), prefix) {
			mailboxes++
		}
	}
	for _, set := range b.live.Backups {
		if strings.HasPrefix(strings.ToLower(string(set.StorageGroup)), prefix) {
			sets++
		}
	}
	var out []string
	if mailboxes > 0 {
		verb := "are"
		if mailboxes == 1 {
			verb = "is"
		}
		out = append(out, fmt.Sprintf("%s %s homed on its databases", plural(mailboxes, "mailbox"), verb))
	}
	if sets > 0 {
		out = append(out, fmt.Sprintf("the backup catalog holds %s of its storage groups", plural(sets, "set")))
	}
	return strings.Join(out, " and ")
}

// sameNodes reports whether two lists name the same computers, in any
// order and case.
func sameNodes(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, n := range a {
		if !slices.ContainsFunc(b, func(m string) bool { return strings.EqualFold(n, m) }) {
			return false
		}
	}
	return true
}

// lostQueue notes what a lost Hub or Edge Transport server's queue
// database held. The read cannot count it, so the recovery point says so
// rather than "nothing is lost" (an Edge lost with mail from the
// Internet queued for a hub that was down said it).
func (b *builder) lostQueue(addr string, live *org.Server) {
	switch {
	case live.Health.DisksUnknown:
		b.note("%s: if its disks are lost, its queue database and any mail it held went with them, and it starts with a new one; if they survive, its mail.que can be carried to another hub (queue database portability).", addr)
	case !live.Health.DisksSurvive:
		b.note("%s: its queue database, and any mail it held, went with its disks; it starts with a new one.", addr)
		b.plan.Losses = append(b.plan.Losses, Loss{Address: addr, What: "any mail that was waiting in its queues when its disks were lost"})
	}
}
