package lang

import (
	"fmt"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

// validate checks a decoded organization against what Exchange 2007 would
// accept. References are already resolved, so every identity here names a
// declared resource.
func validate(o *org.Org) hcl.Diagnostics {
	v := &validator{o: o, ix: org.NewIndex(o)}
	v.servers()
	v.clusters()
	v.storageGroups()
	v.databases()
	v.standbyPaths()
	v.recoveryStorageGroups()
	v.mailboxes()
	v.queueDatabases()
	return v.diags
}

type validator struct {
	o     *org.Org
	ix    *org.Index
	diags hcl.Diagnostics
}

func (v *validator) errorf(rng hcl.Range, summary, format string, args ...any) {
	v.diags = append(v.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  rng.Ptr(),
	})
}

// unique reports a second resource with the same identity key.
func (v *validator) unique(seen map[string]org.Address, key string, addr org.Address, rng hcl.Range, summary, what string) bool {
	if prev, dup := seen[key]; dup {
		v.errorf(rng, summary, "%s is also declared by %s. Exchange identities are unique (ignoring case): rename one of them.", what, prev)
		return false
	}
	seen[key] = addr
	return true
}

// clusters checks the rules Exchange 2007 sets for clustered mailbox
// servers: a CCR cluster has two nodes, a single copy cluster two to
// eight; one clustered mailbox server per cluster, so a node belongs to
// one; a node runs the clustered Mailbox role alone, so it is no server
// of its own; AutoDatabaseMountDial is CCR's, and CCR's must be
// declared, being what a failover may lose.
func (v *validator) clusters() {
	nodeOf := map[string]*org.Server{}
	for _, s := range v.o.Servers {
		c := s.Cluster
		if c == nil {
			continue
		}
		switch {
		case c.Type == org.ClusterCCR && len(c.Nodes) != 2:
			v.errorf(s.Decl.AttrRange("nodes"), "A CCR cluster has two nodes",
				"Cluster continuous replication runs on a two-node failover cluster, the active node and the passive one with its copy; %s lists %d.", s.Name, len(c.Nodes))
		case c.Type == org.ClusterSCC && (len(c.Nodes) < 2 || len(c.Nodes) > 8):
			v.errorf(s.Decl.AttrRange("nodes"), "A single copy cluster has two to eight nodes",
				"A single copy cluster of Exchange 2007 has from two to eight nodes sharing its storage; %s lists %d.", s.Name, len(c.Nodes))
		}
		switch {
		case c.Type == org.ClusterCCR && !s.Decl.Set("auto_database_mount_dial"):
			v.errorf(s.Decl.Range, "AutoDatabaseMountDial not declared",
				"A CCR failover mounts the passive copy on its own only when it lacks no more log generations than AutoDatabaseMountDial allows: that is the mail an unplanned failover may lose. "+
					"Declare it: auto_database_mount_dial = \"lossless\", \"good_availability\" (up to 3 generations) or \"best_availability\" (up to 6).")
		case c.Type == org.ClusterSCC && c.AutoDatabaseMountDial != "":
			v.errorf(s.Decl.AttrRange("auto_database_mount_dial"), "AutoDatabaseMountDial on a single copy cluster",
				"A single copy cluster has one copy of the data, on shared storage: a failover loses no logs, and AutoDatabaseMountDial applies to CCR only. Remove it.")
		}
		for _, n := range c.Nodes {
			k := strings.ToLower(n)
			if prev := nodeOf[k]; prev != nil && prev != s {
				v.errorf(s.Decl.AttrRange("nodes"), "Node in two clusters",
					"%s is a node of %s already: a failover cluster runs one clustered mailbox server, so each node belongs to one.", n, prev.Addr)
			}
			nodeOf[k] = s
		}
	}
	for _, s := range v.o.Servers {
		if owner := nodeOf[strings.ToLower(s.Name)]; owner != nil && s.Cluster == nil {
			v.errorf(s.Decl.Range, "A cluster node declared as a server",
				"%s is a node of %s, and a node runs the clustered Mailbox role alone: no other role, and no storage group of its own. "+
					"Declare the other roles on another server, or remove %s from the cluster's nodes.", s.Name, owner.Addr, s.Name)
		}
	}
}

func (v *validator) servers() {
	seen := map[string]org.Address{}
	for _, s := range v.o.Servers {
		v.unique(seen, s.Identity().Key(), s.Addr, s.Decl.Range, "Duplicate server name", fmt.Sprintf("Server %s", s.Name))
		if s.Roles.Has(org.RoleEdgeTransport) && s.Roles != org.Roles(org.RoleEdgeTransport) {
			v.errorf(s.Decl.AttrRange("roles"), "Edge Transport cannot share a server",
				"Exchange 2007 installs the Edge Transport role alone, in the perimeter network; %s also lists %s. Declare the other roles on another server.",
				s.Name, strings.Replace(s.Roles.String(), "edge_transport", "", 1))
		}
		if s.Edge != nil && !s.Roles.Has(org.RoleEdgeTransport) {
			v.errorf(s.Edge.Range, "Edge settings on a server without the Edge role",
				"The edge block describes an Edge Transport server's cloned configuration; %s has no edge_transport role. Add the role or remove the block.", s.Name)
		}
		if s.Edge != nil && s.Edge.ClonedConfig != "" {
			if p := s.Edge.ClonedConfig; strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || strings.HasPrefix(path.Clean(p), "..") {
				v.errorf(s.Decl.AttrRange("edge.cloned_config"), "Invalid cloned configuration path",
					"cloned_config is a file kept with the configuration in the repository, written with forward slashes relative to the configuration directory, such as \"edge/%s.xml\".", s.Name)
			}
		}
	}
}

func (v *validator) storageGroups() {
	seen := map[string]org.Address{}
	logs := map[string]*org.StorageGroup{}
	perServer := map[string]int{}
	for _, sg := range v.o.StorageGroups {
		v.unique(seen, sg.Identity().Key(), sg.Addr, sg.Decl.Range, "Duplicate storage group", fmt.Sprintf("Storage group %s", sg.Identity()))
		srv := v.ix.Server(sg.Server)
		if !srv.Roles.Has(org.RoleMailbox) {
			v.errorf(sg.Decl.AttrRange("server"), "Storage group on a server without the mailbox role",
				"%s has the roles %s; only a Mailbox server holds storage groups. Add \"mailbox\" to server.%s's roles, or put the storage group on a Mailbox server.",
				srv.Name, srv.Roles, srv.Addr.Name)
			continue
		}
		key := org.Identity(srv.Name).Key() + "|" + strings.ToLower(strings.TrimRight(sg.LogFolderPath, `\`))
		if prev, dup := logs[key]; dup {
			v.errorf(sg.Decl.AttrRange("log_folder_path"), "Log folder shared by two storage groups",
				"%s already keeps its transaction logs in %s. Each storage group needs its own log folder, or their log streams and checkpoints would mix.",
				prev.Identity(), sg.LogFolderPath)
		} else {
			logs[key] = sg
		}
		if c := sg.Copy; c != nil && c.Local && srv.Cluster != nil {
			v.errorf(c.Range, "Local copy on a clustered mailbox server",
				"%s is a clustered mailbox server: local continuous replication is not supported on a cluster (CCR keeps its copy on the passive node). Remove copy and copy_path; a standby block (SCR) may copy it to another server.", srv.Name)
		}
		if c := sg.Copy; c != nil && !c.Local {
			if m := v.ix.Server(c.Machine); m != nil && strings.EqualFold(m.Name, srv.Name) {
				v.errorf(c.Range, "Standby copy on its own server",
					"A standby (SCR) copy lives on another Mailbox server; for a copy on %s itself use copy = \"local\" with copy_path.", srv.Name)
			} else if m != nil && !m.Roles.Has(org.RoleMailbox) {
				v.errorf(c.Range, "Standby machine without the mailbox role",
					"%s has the roles %s; a standby copy needs a Mailbox server to replay into.", m.Name, m.Roles)
			} else if m != nil && m.Cluster != nil {
				v.errorf(c.Range, "Standby machine is a clustered mailbox server",
					"%s is a clustered mailbox server. Exchange 2007 copies SCR to a standalone Mailbox server, or to a node of a standby cluster that runs no clustered mailbox server yet; name such a server as the machine.", m.Name)
			}
		}
		perServer[srv.Name]++
		if lim := srv.Edition.Limits(); perServer[srv.Name] == lim.StorageGroups+1 {
			v.errorf(sg.Decl.Range, "Too many storage groups on server",
				"%s runs Exchange %s edition, which allows at most %d storage groups on a server; %s is number %d. %s",
				srv.Name, titleCase(srv.Edition.String()), lim.StorageGroups, sg.Addr, perServer[srv.Name], editionAdvice(srv))
		}
	}
}

func editionAdvice(s *org.Server) string {
	if s.Edition == org.EditionStandard {
		return fmt.Sprintf("If the server runs Enterprise edition, set edition = \"enterprise\" on server.%s; otherwise move databases to another server.", s.Addr.Name)
	}
	return "Move storage groups or databases to another server."
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (v *validator) databases() {
	seen := map[string]org.Address{}
	perSG := map[string]int{}
	perServer := map[string]int{}
	publicFolders := map[string]*org.Database{}
	files := map[string]string{} // server|path -> identity
	for _, db := range v.o.Databases {
		v.unique(seen, db.Identity().Key(), db.Addr, db.Decl.Range, "Duplicate database", fmt.Sprintf("Database %s", db.Identity()))
		sg := v.ix.StorageGroup(db.StorageGroup)
		srv := v.ix.Server(sg.Server)
		perSG[sg.Identity().Key()]++
		if n := perSG[sg.Identity().Key()]; srv.Cluster != nil && srv.Cluster.Type == org.ClusterCCR && n == 2 {
			v.errorf(db.Decl.Range, "Second database in a CCR storage group",
				"%s is on %s, a CCR clustered mailbox server, whose storage groups are replicated to the passive node and so hold one database each. Put %s in a storage group of its own.",
				sg.Identity(), srv.Name, db.Addr)
		} else if sg.Copy != nil && n == srv.Edition.Limits().DatabasesPerCopy+1 {
			v.errorf(db.Decl.Range, "Second database in a replicated storage group",
				"%s has an %s copy, and Exchange 2007 replicates a storage group that holds one database only. Put %s in a storage group of its own.",
				sg.Identity(), sg.Copy.Kind(), db.Addr)
		} else if n == srv.Edition.Limits().DatabasesPerSG+1 {
			v.errorf(db.Decl.Range, "Too many databases in storage group",
				"%s would hold %d databases; Exchange 2007 allows at most %d in one storage group. Put %s in another storage group.",
				sg.Identity(), n, srv.Edition.Limits().DatabasesPerSG, db.Addr)
		}
		perServer[srv.Name]++
		if lim := srv.Edition.Limits(); perServer[srv.Name] == lim.Databases+1 {
			v.errorf(db.Decl.Range, "Too many databases on server",
				"%s runs Exchange %s edition, which allows at most %d databases on a server; %s is number %d. %s",
				srv.Name, titleCase(srv.Edition.String()), lim.Databases, db.Addr, perServer[srv.Name], editionAdvice(srv))
		}
		if db.Kind == org.PublicFolderDB {
			if prev, dup := publicFolders[org.Identity(srv.Name).Key()]; dup {
				v.errorf(db.Decl.Range, "Second public folder database on server",
					"%s already has public folder database %s; an Exchange 2007 server holds at most one.", srv.Name, prev.Identity())
			} else {
				publicFolders[org.Identity(srv.Name).Key()] = db
			}
		}
		v.edbFile(files, srv.Name, db.EdbFilePath, string(db.Identity()), db.Decl.AttrRange("edb_file_path"))
	}
	for _, r := range v.o.RecoveryStorageGroups {
		if r.EdbFilePath != "" {
			v.edbFile(files, r.Server, r.EdbFilePath, string(r.Identity()), r.Decl.AttrRange("edb_file_path"))
		}
	}
}

// standbyPaths refuses a standby (SCR) copy whose paths on its machine,
// the source's own (SCR keeps them), are already taken there: by the
// machine's own storage groups and databases, or by another group's
// copy. The copy would write into their files.
func (v *validator) standbyPaths() {
	taken := map[string]string{} // machine|path -> what uses it
	key := func(server, path string) string {
		return org.Identity(server).Key() + "|" + strings.ToLower(strings.TrimRight(path, `\`))
	}
	for _, sg := range v.o.StorageGroups {
		taken[key(sg.Server, sg.LogFolderPath)] = fmt.Sprintf("%s keeps its own logs there", sg.Identity())
	}
	for _, db := range v.o.Databases {
		taken[key(db.Server(), db.EdbFilePath)] = fmt.Sprintf("it is the file of %s", db.Identity())
	}
	for _, sg := range v.o.StorageGroups {
		c := sg.Copy
		if c == nil || c.Local || v.ix.Server(c.Machine) == nil {
			continue
		}
		m := v.ix.Server(c.Machine).Name
		if strings.EqualFold(m, sg.Server) {
			continue // refused already: a standby copy on its own server
		}
		paths := []string{sg.LogFolderPath}
		for _, db := range v.o.Databases {
			if db.StorageGroup.Key() == sg.Identity().Key() {
				paths = append(paths, db.EdbFilePath)
			}
		}
		for i, p := range paths {
			k := key(m, p)
			if what, dup := taken[k]; dup {
				v.errorf(c.Range, "Standby copy paths taken",
					"The standby copy of %s on %s keeps the source's paths there, and %s on %s is taken: %s. Give one of them another folder.",
					sg.Identity(), m, p, m, what)
				break
			}
			if i == 0 {
				taken[k] = fmt.Sprintf("the standby copy of %s keeps its logs there", sg.Identity())
			} else {
				taken[k] = fmt.Sprintf("the standby copy of %s keeps a database file there", sg.Identity())
			}
		}
	}
}

// edbFile reports two databases on one server with the same file: one
// would overwrite the other's data.
func (v *validator) edbFile(files map[string]string, server, file, owner string, rng hcl.Range) {
	key := org.Identity(server).Key() + "|" + strings.ToLower(file)
	if prev, dup := files[key]; dup {
		v.errorf(rng, "Database file used twice",
			"%s on %s is already the file of %s. Two databases sharing a file would destroy each other's data: give this one its own edb_file_path.",
			file, server, prev)
		return
	}
	files[key] = owner
}

func (v *validator) recoveryStorageGroups() {
	perServer := map[string]*org.RecoveryStorageGroup{}
	for _, r := range v.o.RecoveryStorageGroups {
		srv := v.ix.Server(r.Server)
		if prev, dup := perServer[org.Identity(srv.Name).Key()]; dup {
			v.errorf(r.Decl.Range, "Second recovery storage group on server",
				"%s already has recovery storage group %s (%s); Exchange 2007 allows one per server. Recover the second database after the first group is removed, or on another server.",
				srv.Name, prev.Identity(), prev.Addr)
			continue
		}
		perServer[org.Identity(srv.Name).Key()] = r
		if !srv.Roles.Has(org.RoleMailbox) {
			v.errorf(r.Decl.AttrRange("server"), "Recovery storage group on a server without the mailbox role",
				"%s has the roles %s; a recovery storage group needs a Mailbox server.", srv.Name, srv.Roles)
		}
		if sg := v.ix.StorageGroup(r.Identity()); sg != nil {
			v.errorf(r.Decl.Range, "Recovery storage group name taken",
				"%s is already the identity of %s. Give the recovery storage group another name, such as \"RSG\".", r.Identity(), sg.Addr)
		}
		// Its logs would mix with a production group's, which New-
		// StorageGroup refuses: refused here, not half way through an
		// apply (adversarial review).
		for _, sg := range v.o.StorageGroups {
			if strings.EqualFold(sg.Server, srv.Name) && org.SameFolder(sg.LogFolderPath, r.LogFolderPath) {
				v.errorf(r.Decl.AttrRange("log_folder_path"), "Log folder shared by two storage groups",
					"%s already keeps its transaction logs in %s. Give the recovery storage group a log folder of its own, such as R:\\RSG.",
					sg.Identity(), r.LogFolderPath)
				break
			}
		}
	}
}

func (v *validator) mailboxes() {
	seen := map[string]org.Address{}
	for _, mb := range v.o.Mailboxes {
		v.unique(seen, strings.ToLower(mb.Name), mb.Addr, mb.Decl.Range, "Duplicate mailbox alias", fmt.Sprintf("Mailbox alias %s", mb.Name))
	}
}

func (v *validator) queueDatabases() {
	seen := map[string]org.Address{}
	for _, q := range v.o.QueueDatabases {
		srv := v.ix.Server(q.Server)
		v.unique(seen, org.Identity(srv.Name).Key(), q.Addr, q.Decl.Range, "Second queue database on server", fmt.Sprintf("The queue database of %s", srv.Name))
		if !srv.Roles.Has(org.RoleHubTransport) && !srv.Roles.Has(org.RoleEdgeTransport) {
			v.errorf(q.Decl.AttrRange("server"), "Queue database on a server without a transport role",
				"%s has the roles %s; only Hub Transport and Edge Transport servers keep a queue database.", srv.Name, srv.Roles)
		}
	}
}
