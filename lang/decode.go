package lang

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/exdr/exdr/org"
)

// link is a reference by name from one resource to another, resolved to an
// Exchange identity once every block has been decoded.
type link struct {
	from   org.Address
	attr   *hcl.Attribute
	value  string
	target org.Kind
	labels []string // blocks of the target kind the expression refers to
	set    func(org.Identity)
	// sensitive values are not quoted in diagnostics.
	sensitive bool
}

// ref reads an attribute that names another resource and queues it for
// linking.
func (ev *evaluator) ref(d *decoder, from org.Address, name string, target org.Kind, set func(org.Identity)) {
	v, a, ok := d.raw(name, tRef)
	if !ok {
		return
	}
	l := &link{from: from, attr: a, value: v.AsString(), target: target, set: set, sensitive: d.decl.Sensitive[d.prefix+name]}
	for _, t := range d.vars[name] {
		if t.RootName() == target.String() && len(t) > 1 {
			if step, ok := t[1].(hcl.TraverseAttr); ok {
				l.labels = append(l.labels, step.Name)
			}
		}
	}
	set(org.Identity(l.value)) // provisional, until linked
	ev.links = append(ev.links, l)
}

// decodeInstance decodes one instance of a resource block into the Org
// and returns its reference object.
func (ev *evaluator) decodeInstance(rb *resourceBlock, addr org.Address, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	decl := org.Decl{Range: rb.block.DefRange}
	d := newDecoder(ctx, rb.content.Attributes, &decl).requires(kindSchemas[addr.Kind])
	d.vars = rb.vars
	def := addr.Name
	if addr.Keyed {
		def = addr.Key
	}
	if a, ok := rb.content.Attributes["depends_on"]; ok {
		decl.DependsOn = dependsOn(a)
	}
	for _, t := range rb.referenced {
		decl.DependsOn = appendUnique(decl.DependsOn, t)
	}
	switch addr.Kind {
	case org.KindServer:
		ev.decodeServer(d, rb, addr, def)
	case org.KindClusteredMailboxServer:
		ev.decodeClusteredServer(d, addr, def)
	case org.KindStorageGroup:
		ev.decodeStorageGroup(d, rb, addr, def)
	case org.KindMailboxDatabase, org.KindPublicFolderDatabase:
		ev.decodeDatabase(d, rb, addr, def)
	case org.KindRecoveryStorageGroup:
		ev.decodeRecoveryStorageGroup(d, rb, addr, def)
	case org.KindMailbox:
		ev.decodeMailbox(d, rb, addr, def)
	case org.KindQueueDatabase:
		ev.decodeQueueDatabase(d, rb, addr)
	}
	// The reference object has every attribute of the kind, null when
	// unset, so that every instance of a kind has the same shape.
	for _, a := range kindSpecs[addr.Kind].attrs {
		if _, ok := d.obj[a.name]; !ok {
			d.obj[a.name] = cty.NullVal(ctyType(a.typ))
		}
	}
	return cty.ObjectVal(d.obj), d.diags
}

// identityVal is the identity of a resource directly on a server, as its
// reference object's identity attribute; unknown when the server is.
func identityVal(server, name string) cty.Value {
	if server == "" {
		return cty.UnknownVal(cty.String)
	}
	return cty.StringVal(string(org.Identity(server).Join(name)))
}

func dependsOn(a *hcl.Attribute) []org.Address {
	exprs, _ := hcl.ExprList(a.Expr)
	var out []org.Address
	for _, e := range exprs {
		if t, ds := hcl.AbsTraversalForExpr(e); !ds.HasErrors() && len(t) == 2 {
			kind, _ := org.ParseKind(t.RootName())
			out = appendUnique(out, org.Address{Kind: kind, Name: t[1].(hcl.TraverseAttr).Name})
		}
	}
	return out
}

func appendUnique(list []org.Address, a org.Address) []org.Address {
	for _, x := range list {
		if x == a {
			return list
		}
	}
	return append(list, a)
}

func (ev *evaluator) decodeServer(d *decoder, rb *resourceBlock, addr org.Address, def string) {
	s := &org.Server{Addr: addr, Edition: org.EditionStandard}
	s.Name = d.serverName(def)
	if roles, a := d.strList("roles"); a != nil {
		for _, r := range roles {
			role, ok := org.ParseRole(r)
			if !ok {
				d.errorf(a, "Unknown server role", "%q is not an Exchange 2007 role. The roles are %s.%s",
					r, quoteList(org.RoleNames()), suggest(r, org.RoleNames()))
				continue
			}
			if s.Roles.Has(role) {
				d.errorf(a, "Duplicate server role", "%q is listed twice; list each role once.", r)
			}
			s.Roles = s.Roles.With(role)
		}
		if len(roles) == 0 {
			d.errorf(a, "No server roles", "A server needs at least one role: %s.", quoteList(org.RoleNames()))
		}
	}
	s.Site, _ = d.str("site")
	if e, ok := d.str("edition"); ok {
		ed, valid := org.ParseEdition(e)
		if !valid {
			d.errorf(d.attrs["edition"], "Unknown edition", "edition is \"standard\" or \"enterprise\", not %q.%s", e, suggest(e, []string{"standard", "enterprise"}))
		} else {
			s.Edition = ed
		}
	}
	for _, b := range rb.content.Blocks {
		if b.Type != "edge" {
			continue
		}
		nd := d.nested(b, bodySchema(nestedSpec(org.KindServer, "edge").attrs, nil))
		s.Edge = &org.EdgeSettings{Range: b.DefRange}
		s.Edge.ClonedConfig, _ = nd.str("cloned_config")
		if a := nd.attrs["cloned_config"]; a != nil && s.Edge.ClonedConfig != "" {
			ev.readClonedConfig(nd, a, s.Edge)
		}
		d.merge(nd)
	}
	d.obj["identity"] = cty.StringVal(string(s.Identity()))
	s.Decl = *d.decl
	ev.org.Servers = append(ev.org.Servers, s)
}

// decodeClusteredServer reads a clustered mailbox server: an Exchange
// server (the Mailbox role, on Enterprise edition, which clustering
// needs) that runs on the nodes of one failover cluster.
func (ev *evaluator) decodeClusteredServer(d *decoder, addr org.Address, def string) {
	s := &org.Server{Addr: addr, Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise, Cluster: &org.Cluster{Range: d.decl.Range}}
	s.Name = d.serverName(def)
	s.Site, _ = d.str("site")
	c := s.Cluster
	if t, ok := d.str("type"); ok {
		switch t {
		case org.ClusterCCR, org.ClusterSCC:
			c.Type = t
		default:
			d.errorf(d.attrs["type"], "Unknown cluster type",
				"type is \"ccr\" (cluster continuous replication: two nodes, each with its own copy of the data) or \"scc\" (single copy cluster: shared storage), not %q.%s",
				t, suggest(t, []string{org.ClusterCCR, org.ClusterSCC}))
		}
	}
	if nodes, a := d.strList("nodes"); a != nil {
		seen := map[string]bool{}
		for _, n := range nodes {
			switch err := checkComputerName(n); {
			case err != nil:
				d.errorf(a, "Invalid node name", "%q %s: a node is a computer of the failover cluster.", n, err)
			case seen[strings.ToLower(n)]:
				d.errorf(a, "Node listed twice", "%s is listed twice in nodes; list each node of the cluster once.", n)
			case strings.EqualFold(n, s.Name):
				d.errorf(a, "Node named as the clustered mailbox server",
					"%s is the clustered mailbox server's own name, which moves between the nodes; nodes are the cluster's computers, each with a name of its own.", n)
			}
			seen[strings.ToLower(n)] = true
			c.Nodes = append(c.Nodes, n)
		}
	}
	if dial, ok := d.str("auto_database_mount_dial"); ok {
		if _, known := org.MountDials[dial]; !known {
			d.errorf(d.attrs["auto_database_mount_dial"], "Unknown AutoDatabaseMountDial",
				"auto_database_mount_dial is \"lossless\", \"good_availability\" or \"best_availability\" (Set-MailboxServer -AutoDatabaseMountDial Lossless, GoodAvailability, BestAvailability), not %q.%s",
				dial, suggest(dial, []string{"lossless", "good_availability", "best_availability"}))
		} else {
			c.AutoDatabaseMountDial = dial
		}
	}
	if ip, ok := d.str("ip_address"); ok {
		if a := net.ParseIP(ip); a == nil || a.To4() == nil {
			d.errorf(d.attrs["ip_address"], "Invalid IP address",
				"ip_address is the clustered mailbox server's IPv4 address, as Setup /NewCms and /RecoverCMS take it (/CMSIPAddress), such as \"10.0.0.25\", not %q.", ip)
		} else {
			c.IPAddress = a.To4().String()
		}
	}
	if n, ok := d.str("active_node"); ok {
		if !slices.ContainsFunc(c.Nodes, func(x string) bool { return strings.EqualFold(x, n) }) {
			d.errorf(d.attrs["active_node"], "Active node not among the nodes",
				"active_node is the node %s should run on, one of its nodes (%s), not %q.%s", s.Name, strings.Join(c.Nodes, ", "), n, suggest(n, c.Nodes))
		} else {
			c.ActiveNode = c.Nodes[slices.IndexFunc(c.Nodes, func(x string) bool { return strings.EqualFold(x, n) })]
		}
	}
	d.obj["identity"] = cty.StringVal(string(s.Identity()))
	s.Decl = *d.decl
	ev.org.Servers = append(ev.org.Servers, s)
}

// serverName reads a computer name: Exchange servers keep their NetBIOS
// name, 1 to 15 letters, digits and hyphens, not all digits.
func (d *decoder) serverName(def string) string {
	name := def
	var a *hcl.Attribute
	if v, attr, ok := d.raw("name", tName); ok {
		name, a = v.AsString(), attr
	} else {
		d.obj["name"] = cty.StringVal(def)
	}
	if err := checkComputerName(name); err != nil {
		diag := &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid server name",
			Detail:   fmt.Sprintf("%q %s. A server keeps its computer name through a recovery (Setup /m:RecoverServer needs the same name), so write the name the server has.", name, err),
			Subject:  d.decl.Range.Ptr(),
		}
		if a != nil {
			diag.Subject = a.Expr.Range().Ptr()
		}
		d.diags = append(d.diags, diag)
	}
	return name
}

func checkComputerName(name string) error {
	if name == "" || len(name) > 15 {
		return fmt.Errorf("is not a computer name: it must have 1 to 15 characters")
	}
	digits := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= '0' && c <= '9':
		case isLetter(c) || c == '-':
			digits = false
		default:
			return fmt.Errorf("is not a computer name: only letters, digits and hyphens are allowed")
		}
	}
	if digits {
		return fmt.Errorf("is not a computer name: it cannot be all digits")
	}
	return nil
}

func (ev *evaluator) decodeStorageGroup(d *decoder, rb *resourceBlock, addr org.Address, def string) {
	sg := &org.StorageGroup{Addr: addr}
	sg.Name = d.exchangeName(def, "Invalid storage group name", checkExchangeName)
	ev.ref(d, addr, "server", org.KindServer, func(id org.Identity) { sg.Server = string(id) })
	sg.LogFolderPath = d.path("log_folder_path")
	sg.SystemFolderPath = d.path("system_folder_path")
	if sg.SystemFolderPath == "" {
		sg.SystemFolderPath = sg.LogFolderPath
	}
	sg.CircularLogging = d.boolean("circular_logging", false)
	ev.decodeCopy(d, rb, addr, sg)
	if d.boolean("recovery", false) {
		d.errorf(d.attrs["recovery"], "Recovery storage group declared as a storage group",
			"Declare a recovery storage group with its own block, recovery_storage_group %q { server = ..., database = ... }, "+
				"so that exdr creates it with New-StorageGroup -Recovery and removes it when done.", addr.Name)
	}
	d.obj["identity"] = identityVal(sg.Server, sg.Name)
	sg.Decl = *d.decl
	ev.org.StorageGroups = append(ev.org.StorageGroups, sg)
}

func (ev *evaluator) decodeDatabase(d *decoder, rb *resourceBlock, addr org.Address, def string) {
	db := &org.Database{Addr: addr, Kind: org.MailboxDB, Mounted: true}
	if addr.Kind == org.KindPublicFolderDatabase {
		db.Kind = org.PublicFolderDB
	}
	db.Name = d.exchangeName(def, "Invalid database name", checkExchangeName)
	ev.ref(d, addr, "storage_group", org.KindStorageGroup, func(id org.Identity) { db.StorageGroup = id })
	db.EdbFilePath = d.path("edb_file_path")
	if a := d.attrs["edb_file_path"]; a != nil && db.EdbFilePath != "" && !hasSuffixFold(db.EdbFilePath, ".edb") {
		d.errorf(a, "Invalid database file name", "edb_file_path must name the database file itself, ending in .edb, such as %q.", db.EdbFilePath+`\`+db.Name+".edb")
	}
	db.Mounted = d.boolean("mounted", true)
	db.AllowFileRestore = d.optBool("allow_file_restore")
	db.DeletedItemRetention = d.retention("deleted_item_retention")
	db.RetainDeletedItemsUntilBackup = d.optBool("retain_deleted_items_until_backup")
	if addr.Kind == org.KindMailboxDatabase {
		db.MailboxRetention = d.retention("mailbox_retention")
	} else {
		d.publicFolderSettings(db)
	}
	for _, b := range rb.content.Blocks {
		nd := d.nested(b, bodySchema(recoveryBlock.attrs, nil))
		db.Recovery.Range = b.DefRange
		db.Recovery.RestoreFrom = nd.timestamp("restore_from")
		db.Recovery.DialTone = nd.boolean("dial_tone", false)
		db.Recovery.AllowDataLoss = nd.boolean("allow_data_loss", false)
		if db.Recovery.DialTone && db.Kind == org.PublicFolderDB {
			nd.errorf(nd.attrs["dial_tone"], "Dial tone is for mailbox databases",
				"Dial-tone recovery gives users an empty mailbox database; public folder databases are recovered by restore or replication. Remove dial_tone.")
		}
		d.merge(nd)
	}
	db.Decl = *d.decl
	ev.org.Databases = append(ev.org.Databases, db)
}

// publicFolderSettings reads a public folder database's replication
// interval and the folders it holds replicas of.
func (d *decoder) publicFolderSettings(db *org.Database) {
	if dur := d.duration("replication_interval"); dur != nil {
		// -ReplicationPeriod takes whole minutes (a UInt32).
		if *dur < org.Duration(time.Minute) || *dur%org.Duration(time.Minute) != 0 || *dur > org.Duration(7*24*time.Hour) {
			d.errorf(d.attrs["replication_interval"], "Invalid replication interval",
				"replication_interval is %s; Set-PublicFolderDatabase -ReplicationPeriod takes whole minutes, from 1m to 7d, such as \"15m\" (the default).", dur.Short())
		} else {
			db.ReplicationInterval = dur
		}
	}
	folders, a := d.strList("folder_replicas")
	if a == nil {
		return
	}
	db.FolderReplicas = []string{}
	seen := map[string]bool{}
	for _, f := range folders {
		if err := org.ValidFolderPath(f); err != nil {
			d.errorf(a, "Invalid public folder path", "folder_replicas: %s. Name each folder from the top of the hierarchy, such as \"\\\\Sales\\\\Reports\" (a backslash is written \\\\ in HCL).", err)
			continue
		}
		if seen[strings.ToLower(f)] {
			d.errorf(a, "Public folder listed twice", "folder_replicas names %s twice; list each folder once.", f)
			continue
		}
		seen[strings.ToLower(f)] = true
		db.FolderReplicas = append(db.FolderReplicas, f)
	}
}

// retention reads a retention period: Exchange accepts 0 to 24855 days.
func (d *decoder) retention(name string) *org.Duration {
	dur := d.duration(name)
	if dur != nil && (*dur < 0 || *dur > org.MaxRetention) {
		d.errorf(d.attrs[name], "Retention out of range", "%s is %s; Exchange accepts 0 to 24855 days (24855.00:00:00).", name, dur.Short())
		return nil
	}
	return dur
}

func (ev *evaluator) decodeRecoveryStorageGroup(d *decoder, rb *resourceBlock, addr org.Address, def string) {
	r := &org.RecoveryStorageGroup{Addr: addr}
	r.Name = d.exchangeName(def, "Invalid recovery storage group name", checkExchangeName)
	ev.ref(d, addr, "server", org.KindServer, func(id org.Identity) { r.Server = string(id) })
	ev.ref(d, addr, "database", org.KindMailboxDatabase, func(id org.Identity) { r.Database = id })
	r.LogFolderPath = d.path("log_folder_path")
	r.SystemFolderPath = d.path("system_folder_path")
	if r.SystemFolderPath == "" {
		r.SystemFolderPath = r.LogFolderPath
	}
	r.EdbFilePath = d.path("edb_file_path")
	r.RestoreFrom = d.timestamp("restore_from")
	r.RemoveWhenDone = d.boolean("remove_when_done", false)
	spec := nestedSpec(org.KindRecoveryStorageGroup, "restore_mailbox")
	seen := map[string]hcl.Range{}
	for _, b := range rb.content.Blocks {
		nd := d.nested(b, bodySchema(spec.attrs, nil))
		rm := org.RestoreMailbox{Range: b.DefRange, Mailbox: b.Labels[0]}
		rm.Target, _ = nd.str("target")
		if rm.Target == "" {
			rm.Target = rm.Mailbox
		}
		rm.TargetFolder, _ = nd.str("target_folder")
		rm.StartDate = nd.timestamp("start_date")
		rm.EndDate = nd.timestamp("end_date")
		rm.SubjectKeywords, _ = nd.strList("subject_keywords")
		rm.SenderKeywords, _ = nd.strList("sender_keywords")
		rm.ContentKeywords, _ = nd.strList("content_keywords")
		rm.RecipientKeywords, _ = nd.strList("recipient_keywords")
		rm.AttachmentFilenames, _ = nd.strList("attachment_filenames")
		rm.BadItemLimit, _ = nd.count("bad_item_limit")
		rm.ValidateOnly = nd.boolean("validate_only", false)
		for _, f := range rm.AttachmentFilenames {
			if strings.ContainsAny(f, `/\`) {
				nd.errorf(nd.attrs["attachment_filenames"], "Invalid attachment file name filter",
					"%q is not a file name pattern: give a name, with * and ? as wildcards (such as \"*.xlsx\"), and no folder.", f)
			}
		}
		// An empty value would match everything, or pass '' to the
		// cmdlet: the filter it stands in would be no filter at all.
		for _, attr := range []string{"subject_keywords", "sender_keywords", "content_keywords", "recipient_keywords", "attachment_filenames", "include_folders", "exclude_folders"} {
			values, a := nd.strList(attr)
			for _, v := range values {
				if strings.TrimSpace(v) == "" {
					nd.errorf(a, "Empty filter value", "%s holds an empty value, which would match every item: remove it, or give the words to look for.", attr)
					break
				}
			}
		}
		rm.IncludeFolders, _ = nd.strList("include_folders")
		rm.ExcludeFolders, _ = nd.strList("exclude_folders")
		if !rm.StartDate.IsZero() && !rm.EndDate.IsZero() && rm.EndDate.Before(rm.StartDate) {
			nd.errorf(nd.attrs["end_date"], "End date before start date", "end_date %s is before start_date %s; Restore-Mailbox would find nothing.",
				rm.EndDate.Format("2006-01-02T15:04:05Z07:00"), rm.StartDate.Format("2006-01-02T15:04:05Z07:00"))
		}
		if rm.Target != rm.Mailbox && rm.TargetFolder == "" {
			nd.diags = append(nd.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing target_folder",
				Detail:   "Restoring one mailbox into another (Restore-Mailbox -RSGMailbox) needs a target_folder to put the items in, such as target_folder = \"Recovered Items\".",
				Subject:  b.DefRange.Ptr(),
			})
		}
		key := strings.ToLower(rm.Mailbox + "\x00" + rm.Target) // aliases ignore case, as the directory does
		if prev, dup := seen[key]; dup {
			nd.diags = append(nd.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate restore_mailbox block",
				Detail:   fmt.Sprintf("Mailbox %q is already restored into %q at %s.", rm.Mailbox, rm.Target, prev),
				Subject:  b.DefRange.Ptr(),
			})
		}
		seen[key] = b.DefRange
		d.merge(nd)
		r.RestoreMailboxes = append(r.RestoreMailboxes, rm)
	}
	d.obj["identity"] = identityVal(r.Server, r.Name)
	r.Decl = *d.decl
	ev.org.RecoveryStorageGroups = append(ev.org.RecoveryStorageGroups, r)
}

func (ev *evaluator) decodeMailbox(d *decoder, rb *resourceBlock, addr org.Address, def string) {
	mb := &org.Mailbox{Addr: addr}
	mb.Name = d.exchangeName(def, "Invalid mailbox alias", checkMailboxAlias)
	ev.ref(d, addr, "database", org.KindMailboxDatabase, func(id org.Identity) { mb.Database = id })
	mb.DisplayName, _ = d.str("display_name")
	mb.Owner, _ = d.str("owner")
	mb.UseDatabaseRetentionDefaults = d.optBool("use_database_retention_defaults")
	mb.RetainDeletedItemsFor = d.retention("retain_deleted_items_for")
	mb.RetainDeletedItemsUntilBackup = d.optBool("retain_deleted_items_until_backup")
	usesDefaults := mb.UseDatabaseRetentionDefaults == nil || *mb.UseDatabaseRetentionDefaults
	for _, name := range []string{"retain_deleted_items_for", "retain_deleted_items_until_backup"} {
		if a, set := d.attrs[name]; set && usesDefaults {
			d.errorf(a, "Retention override without opting out of defaults",
				"Exchange ignores %s while the mailbox uses its database's retention. Add use_database_retention_defaults = false to this mailbox.", name)
		}
	}
	mb.Decl = *d.decl
	ev.org.Mailboxes = append(ev.org.Mailboxes, mb)
}

// minQueueMaxSize is the least max_size a queue database may be given.
const minQueueMaxSize = org.MegaByte

func (ev *evaluator) decodeQueueDatabase(d *decoder, rb *resourceBlock, addr org.Address) {
	q := &org.QueueDatabase{Addr: addr, State: "healthy"}
	if _, a, ok := d.raw("name", tName); ok {
		d.errorf(a, "Queue databases have no name", "A queue database is named by its server (mail.que on that server). Remove name.")
	}
	d.obj["name"] = cty.StringVal(addr.Name)
	ev.ref(d, addr, "server", org.KindServer, func(id org.Identity) { q.Server = string(id) })
	q.Path = d.path("path")
	if q.Path == "" {
		q.Path = org.DefaultQueuePath
	}
	q.LoggingPath = d.path("logging_path")
	if q.LoggingPath == "" {
		q.LoggingPath = q.Path
	}
	before := len(d.diags)
	q.MaxSize = d.size("max_size")
	if _, set := d.attrs["max_size"]; set && len(d.diags) == before && q.MaxSize < minQueueMaxSize {
		// 0B too: it read as no limit, while 16KB was refused
		// (adversarial review).
		// A new queue database's own pages would be over such a limit:
		// it would be rotated again on every apply.
		d.errorf(d.attrs["max_size"], "max_size below 1MB",
			"max_size is %s: a new queue database could be over so small a limit and would be rotated again on every apply. Give 1MB or more, or remove max_size for no limit.", q.MaxSize)
	}
	q.MaxWhitespace = d.percent("max_whitespace")
	q.AllowDataLoss = d.boolean("allow_data_loss", false)
	if st, ok := d.str("state"); ok {
		valid := false
		for _, s := range org.QueueStates {
			valid = valid || s == st
		}
		if !valid {
			d.errorf(d.attrs["state"], "Unknown queue database state", "state is %s, not %q.", quoteList(org.QueueStates), st)
		}
		q.State = st
	}
	q.Decl = *d.decl
	ev.org.QueueDatabases = append(ev.org.QueueDatabases, q)
}
