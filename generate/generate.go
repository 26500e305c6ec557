package generate

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/exdr/exdr/org"
)

// Options say what to write.
type Options struct {
	// All writes the values equal to Exchange's defaults too.
	All bool
	// Targets are the addresses to write (as the generated configuration
	// names them); none: the whole organization. With targets, only their
	// blocks are written, references to what is not written as names, and
	// no main.exdr.hcl.
	Targets []string
	// Provider is the provider block to write: its type, and the settings
	// it was read through (a lab's Path relative to the output folder).
	Provider org.ProviderConfig
	// MailboxCSV is how many mailboxes are still written as blocks; more
	// go to mailboxes.csv with one for_each block (0: 5).
	MailboxCSV int
	// Source says where the organization was read, for the header.
	Source string
	// EdgeExports are the Edge servers' cloned configurations by server
	// name, and EdgeErrors why one could not be exported.
	EdgeExports map[string][]byte
	EdgeErrors  map[string]error
}

// File is one file to write, its name relative to the output folder.
type File struct {
	Name string
	Data []byte
}

// Exchange's defaults: a value equal to one is left out unless -all.
// Exchange 2007 creates a mailbox database keeping deleted items 14 days
// and deleted mailboxes 30, not until a backup, file restore not allowed
// (Set-MailboxDatabase: technet.microsoft.com/library/aa997210(EXCHG.80)).
var (
	defaultItemRetention    = org.Duration(14 * 24 * time.Hour)
	defaultMailboxRetention = org.Duration(30 * 24 * time.Hour)
)

// Addresses are the addresses Generate gives the organization's
// resources, in the order it writes them: what -target accepts.
func Addresses(live *org.Org, opts Options) []string {
	n := name(live, opts)
	var out []string
	for _, r := range n.order {
		out = append(out, r.addr)
	}
	return out
}

// Generate writes the configuration of the live organization.
func Generate(live *org.Org, opts Options) ([]File, error) {
	if opts.MailboxCSV <= 0 {
		opts.MailboxCSV = 5
	}
	live, served := withoutActivatedCopies(live)
	n := name(live, opts)
	n.served = served
	wanted := map[string]bool{}
	for _, t := range opts.Targets {
		if _, ok := n.byAddr[t]; !ok {
			return nil, fmt.Errorf("-target %s names no resource of the organization: exdr generate names them %s (exdr generate -list lists them all)", t, sample(n))
		}
		wanted[t] = true
	}
	g := &generator{live: live, opts: opts, n: n, wanted: wanted}
	return g.files()
}

// sample lists a few of the addresses, for an error.
func sample(n *names) string {
	var some []string
	for i, r := range n.order {
		if i == 4 {
			some = append(some, "...")
			break
		}
		some = append(some, r.addr)
	}
	return strings.Join(some, ", ")
}

type generator struct {
	live   *org.Org
	opts   Options
	n      *names
	wanted map[string]bool // empty: everything
}

// writes reports whether the resource at addr is written.
func (g *generator) writes(addr string) bool { return len(g.wanted) == 0 || g.wanted[addr] }

func (g *generator) files() ([]File, error) {
	var out []File
	var targeted bytes.Buffer
	add := func(name string, data []byte) {
		if len(g.wanted) > 0 && strings.HasSuffix(name, ".exdr.hcl") {
			if targeted.Len() > 0 {
				targeted.WriteByte('\n')
			}
			targeted.Write(data)
			return
		}
		out = append(out, File{Name: name, Data: data})
	}
	if len(g.wanted) == 0 {
		add("main.exdr.hcl", g.mainFile())
	}
	files := serverFiles(g.live.Servers)
	for _, s := range g.live.Servers {
		if data, ok := g.serverFile(s); ok {
			add(files[s]+".exdr.hcl", data)
		}
		if s.Roles.Has(org.RoleEdgeTransport) && g.writes(g.n.server[s].addr) {
			if b, ok := g.opts.EdgeExports[s.Name]; ok {
				add(edgeFile(s.Name), b)
			}
		}
	}
	mailboxes, csvData := g.mailboxFiles()
	if mailboxes != nil {
		add("mailboxes.exdr.hcl", mailboxes)
	}
	if csvData != nil {
		add("mailboxes.csv", csvData)
	}
	if targeted.Len() > 0 {
		f := hclwrite.NewEmptyFile()
		g.header(f.Body(), "The resources asked for with -target, each standing on its own: add them to the configuration.")
		out = append([]File{{Name: TargetFile, Data: hclwrite.Format(append(f.Bytes(), targeted.Bytes()...))}}, out...)
	}
	return out, nil
}

// TargetFile is where -target's blocks are written.
const TargetFile = "generated.exdr.hcl"

// serverFiles are the servers' file names (without .exdr.hcl): each
// server's name, unless another file has it, ignoring case as Windows
// and macOS do (main, mailboxes, generated, another server's), or
// Windows reserves it (CON, NUL, COM1...): then NAME_server.
func serverFiles(servers []*org.Server) map[*org.Server]string {
	taken := map[string]bool{"main": true, "mailboxes": true, strings.TrimSuffix(TargetFile, ".exdr.hcl"): true}
	out := make(map[*org.Server]string, len(servers))
	for _, s := range servers {
		base := fileName(s.Name)
		name := base
		for i := 1; taken[strings.ToLower(name)] || windowsReserved(name); i++ {
			name = base + "_server"
			if i > 1 {
				name += fmt.Sprint(i)
			}
		}
		taken[strings.ToLower(name)] = true
		out[s] = name
	}
	return out
}

// windowsReserved reports a name Windows keeps for a device, with or
// without an extension.
func windowsReserved(name string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '1' && base[3] <= '9'
}

// edgeFile is where an Edge server's export is kept, as exdr edge export
// writes it.
func edgeFile(server string) string { return path.Join("edge", fileName(server)+".xml") }

// fileName keeps a name safe as a file name on Windows and Unix.
func fileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || strings.ContainsRune(`\/:*?"<>|`, r) {
			r = '_'
		}
		b.WriteRune(r)
	}
	name := strings.Trim(b.String(), ". ")
	if name == "" {
		name = "server"
	}
	return name
}

// header is the comment a generated file starts with.
func (g *generator) header(w *hclwrite.Body, what string) {
	lines := []string{what}
	if g.opts.Source != "" {
		lines = append(lines, "Written by exdr generate from "+g.opts.Source+": review it, then keep it in git.")
	}
	comment(w, lines...)
	w.AppendNewline()
}

// comment appends comment lines.
func comment(w *hclwrite.Body, lines ...string) {
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			b.WriteString("#\n")
			continue
		}
		b.WriteString("# " + strings.ReplaceAll(l, "\n", " ") + "\n")
	}
	w.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte(b.String())}})
}

func (g *generator) mainFile() []byte {
	f := hclwrite.NewEmptyFile()
	w := f.Body()
	g.header(w, fmt.Sprintf("The recovery configuration of %s: the state the organization must be in after any recovery.", g.live.Name))
	ex := w.AppendNewBlock("exdr", nil).Body()
	ex.SetAttributeValue("organization", cty.StringVal(g.live.Name))
	ex.AppendNewline()
	comment(ex,
		"Fill in: Exchange keeps no recovery objectives, so exdr cannot read them.",
		"Uncomment and set what the business agreed; until then plans, checks",
		"and drills have no objective to measure a recovery against.",
		"objectives {",
		`  rto = "4h"  # disaster to service restored`,
		`  rpo = "15m" # the newest mail you accept to lose`,
		"}")
	comment(ex, "",
		"Not written either, as Exchange does not keep it: exdr's own recovery policy.",
		"Add it to the blocks it concerns: recovery { dial_tone = true }, restore_from",
		"or allow_data_loss on a database; max_size and max_whitespace, at which a",
		"queue database is rotated or defragmented, on a queue_database.")
	w.AppendNewline()
	p := w.AppendNewBlock("provider", []string{g.opts.Provider.Type}).Body()
	switch g.opts.Provider.Type {
	case "lab":
		p.SetAttributeValue("path", cty.StringVal(g.opts.Provider.Path))
	case "ems":
		if g.opts.Provider.PowerShell != "" && (g.opts.All || g.opts.Provider.PowerShell != "powershell.exe") {
			p.SetAttributeValue("powershell", cty.StringVal(g.opts.Provider.PowerShell))
		}
		if g.opts.Provider.DomainController != "" {
			p.SetAttributeValue("domain_controller", cty.StringVal(g.opts.Provider.DomainController))
		}
		comment(p,
			"Fill in: how the site's backups are taken does not show in the shell.",
			`backup_method = "streaming" # NTBackup or other streaming backups: hard recovery after a restore`,
			`backup_method = "vss"       # Volume Shadow Copy backups: soft recovery after a restore`,
			"Restores are a person's work with the site's backup software:",
			`backup_restore = "manual"`)
	}
	return format(f)
}

// serverFile is a server's block with what it holds: its storage groups
// and their databases, its queue database; false when nothing of it is
// written (a -target elsewhere).
func (g *generator) serverFile(s *org.Server) ([]byte, bool) {
	f := hclwrite.NewEmptyFile()
	w := f.Body()
	if len(g.wanted) == 0 {
		g.header(w, fmt.Sprintf("%s: the server, and the storage groups, databases and queue database it holds.", s.Name))
	}
	wrote := false
	sep := func() {
		if wrote {
			w.AppendNewline()
		}
		wrote = true
	}
	if g.writes(g.n.server[s].addr) {
		sep()
		g.writeServer(w, s)
	}
	for _, sg := range g.n.groupsOf[s.Identity().Key()] {
		if g.writes(g.n.sg[sg].addr) {
			sep()
			g.writeStorageGroup(w, sg)
		}
		for _, db := range g.n.databasesOf[sg.Identity().Key()] {
			if g.writes(g.n.db[db].addr) {
				sep()
				g.writeDatabase(w, db)
			}
		}
	}
	for _, q := range g.n.queuesOf[s.Identity().Key()] {
		if g.writes(g.n.queue[q].addr) {
			sep()
			g.writeQueue(w, q)
		}
	}
	if len(g.wanted) == 0 {
		for _, sv := range g.n.served[s.Identity().Key()] {
			sep()
			comment(w, fmt.Sprintf("Not written: %s, the database %s's SCR copy became here when it was", sv.serving, sv.source),
				fmt.Sprintf("activated on this server: its users are served here until failback, and are declared in %s.", sv.source),
				"Add failback = true to that storage group's standby block to take them back (a planned outage).")
		}
		for _, r := range g.n.recoveryOf[s.Identity().Key()] {
			sep()
			comment(w, fmt.Sprintf("Not written: the recovery storage group %s, a recovery under way", r.Identity()),
				"rather than the state to recover to. Declare a recovery_storage_group block",
				"when a recovery should bring items back from a backup.")
		}
	}
	if !wrote {
		return nil, false
	}
	return format(f), true
}

func (g *generator) writeServer(w *hclwrite.Body, s *org.Server) {
	lbl := g.n.server[s]
	if len(s.ClusterNodes) > 0 {
		// The read gives the nodes, not the cluster's type or mount dial,
		// which a clustered_mailbox_server block must declare: said, not
		// guessed. As a server block it is still never rebuilt with
		// Setup /m:RecoverServer (the read knows it is clustered).
		comment(w, fmt.Sprintf("%s is a clustered mailbox server on %s. Declare it as clustered_mailbox_server %q", s.Name, strings.Join(s.ClusterNodes, ", "), lbl.label),
			fmt.Sprintf("{ type, nodes = [%s], auto_database_mount_dial } once you know them (Get-MailboxServer %s | fl ClusteredStorageType,AutoDatabaseMountDial:", quoteNodes(s.ClusterNodes), s.Name),
			"NonShared is \"ccr\", Shared \"scc\"); the read does not give them.")
	}
	b := w.AppendNewBlock("server", []string{lbl.label}).Body()
	if lbl.label != s.Name {
		b.SetAttributeValue("name", cty.StringVal(s.Name))
	}
	var roles []cty.Value
	for _, r := range s.Roles.List() {
		roles = append(roles, cty.StringVal(r.String()))
	}
	if len(roles) > 0 {
		b.SetAttributeValue("roles", cty.ListVal(roles))
	} else {
		b.SetAttributeValue("roles", cty.ListValEmpty(cty.String))
	}
	if s.Site != "" {
		b.SetAttributeValue("site", cty.StringVal(s.Site))
	}
	if s.Edition != org.EditionStandard || g.opts.All {
		b.SetAttributeValue("edition", cty.StringVal(s.Edition.String()))
	}
	if s.Roles.Has(org.RoleEdgeTransport) {
		b.AppendNewline()
		if err := g.opts.EdgeErrors[s.Name]; err != nil {
			comment(b, fmt.Sprintf("Its configuration could not be exported (%v):", err),
				fmt.Sprintf("run exdr edge export . %s before relying on this block.", s.Name))
		}
		e := b.AppendNewBlock("edge", nil).Body()
		e.SetAttributeValue("cloned_config", cty.StringVal(edgeFile(s.Name)))
	}
}

func (g *generator) writeStorageGroup(w *hclwrite.Body, sg *org.StorageGroup) {
	lbl := g.n.sg[sg]
	b := w.AppendNewBlock("storage_group", []string{lbl.label}).Body()
	if lbl.label != sg.Name {
		b.SetAttributeValue("name", cty.StringVal(sg.Name))
	}
	g.ref(b, "server", g.n.serverByName(sg.Server), "name", sg.Server)
	b.SetAttributeValue("log_folder_path", cty.StringVal(sg.LogFolderPath))
	if sg.SystemFolderPath != "" && (g.opts.All || !strings.EqualFold(sg.SystemFolderPath, sg.LogFolderPath)) {
		b.SetAttributeValue("system_folder_path", cty.StringVal(sg.SystemFolderPath))
	}
	if sg.CircularLogging || g.opts.All {
		b.SetAttributeValue("circular_logging", cty.BoolVal(sg.CircularLogging))
	}
	switch c := sg.Copy; {
	case c == nil, c.Cluster:
		// A CCR clustered mailbox server's copy on its passive node is
		// the cluster's own, declared by the clustered_mailbox_server
		// block: written as a standby block with no machine, the
		// configuration did not load (adversarial review).
	case c.Local:
		b.SetAttributeValue("copy", cty.StringVal("local"))
		b.SetAttributeValue("copy_path", cty.StringVal(c.Path))
	default:
		b.AppendNewline()
		s := b.AppendNewBlock("standby", nil).Body()
		g.ref(s, "machine", g.n.serverByName(c.Machine), "name", c.Machine)
		if c.ReplayLag != org.DefaultReplayLag || g.opts.All {
			s.SetAttributeValue("replay_lag", cty.StringVal(c.ReplayLag.Short()))
		}
	}
}

func (g *generator) writeDatabase(w *hclwrite.Body, db *org.Database) {
	lbl := g.n.db[db]
	kind := "mailbox_database"
	if db.Kind == org.PublicFolderDB {
		kind = "public_folder_database"
	}
	b := w.AppendNewBlock(kind, []string{lbl.label}).Body()
	if lbl.label != db.Name {
		b.SetAttributeValue("name", cty.StringVal(db.Name))
	}
	g.ref(b, "storage_group", g.n.sgByIdentity(db.StorageGroup), "identity", string(db.StorageGroup))
	b.SetAttributeValue("edb_file_path", cty.StringVal(db.EdbFilePath))
	if dismountedOnPurpose(db) {
		comment(b, "Dismounted when exdr generate read it: remove this line if it should serve its users.")
		b.SetAttributeValue("mounted", cty.False)
	} else if g.opts.All {
		b.SetAttributeValue("mounted", cty.True)
	}
	if v := db.DeletedItemRetention; v != nil && (g.opts.All || *v != defaultItemRetention) {
		b.SetAttributeValue("deleted_item_retention", cty.StringVal(v.Truncate().Short()))
	}
	if v := db.MailboxRetention; v != nil && db.Kind == org.MailboxDB && (g.opts.All || *v != defaultMailboxRetention) {
		b.SetAttributeValue("mailbox_retention", cty.StringVal(v.Truncate().Short()))
	}
	if v := db.RetainDeletedItemsUntilBackup; v != nil && (g.opts.All || *v) {
		b.SetAttributeValue("retain_deleted_items_until_backup", cty.BoolVal(*v))
	}
	if v := db.AllowFileRestore; v != nil && (g.opts.All || *v) {
		b.SetAttributeValue("allow_file_restore", cty.BoolVal(*v))
	}
}

// dismountedOnPurpose tells a database someone dismounted (its file there
// and shut down cleanly) from one a failure took down: that one is
// declared mounted, so that exdr plan shows its recovery rather than a
// configuration that accepts the damage.
func dismountedOnPurpose(db *org.Database) bool {
	if h := db.Health; h != nil {
		return !h.Mounted && h.FileExists && h.State == org.StateClean && len(h.BadPages) == 0 && h.Foreign == "" && h.Restore == nil
	}
	return !db.Mounted
}

func (g *generator) writeQueue(w *hclwrite.Body, q *org.QueueDatabase) {
	lbl := g.n.queue[q]
	b := w.AppendNewBlock("queue_database", []string{lbl.label}).Body()
	g.ref(b, "server", g.n.serverByName(q.Server), "name", q.Server)
	if q.Path != "" && (g.opts.All || !strings.EqualFold(q.Path, org.DefaultQueuePath)) {
		b.SetAttributeValue("path", cty.StringVal(q.Path))
	}
	if q.LoggingPath != "" && (g.opts.All || !strings.EqualFold(q.LoggingPath, q.Path)) {
		b.SetAttributeValue("logging_path", cty.StringVal(q.LoggingPath))
	}
	if q.MaxSize > 0 {
		b.SetAttributeValue("max_size", cty.StringVal(q.MaxSize.String()))
	}
	if q.MaxWhitespace > 0 {
		b.SetAttributeValue("max_whitespace", cty.StringVal(q.MaxWhitespace.String()))
	}
	if q.MaxSize == 0 && q.MaxWhitespace == 0 {
		comment(b, "Fill in if wanted: the size and free space at which exdr rotates or",
			"defragments this queue database are exdr's policy, not Exchange's settings.",
			`max_size       = "4GB"`,
			`max_whitespace = "30%"`)
	}
}

// ref sets attr to a reference to the resource when it is written, else
// to its name or identity: a -target's block then stands on its own.
func (g *generator) ref(b *hclwrite.Body, attr string, to *label, field, literal string) {
	if to != nil && g.writes(to.addr) {
		b.SetAttributeTraversal(attr, hcl.Traversal{hcl.TraverseRoot{Name: to.kind}, hcl.TraverseAttr{Name: to.label}, hcl.TraverseAttr{Name: field}})
		return
	}
	b.SetAttributeValue(attr, cty.StringVal(literal))
}

// rawExpr is an expression's tokens, from its source.
func rawExpr(src string) hclwrite.Tokens {
	f, diags := hclwrite.ParseConfig([]byte("x = "+src+"\n"), "", hcl.InitialPos)
	if diags.HasErrors() {
		panic(fmt.Sprintf("generate: %s does not parse: %v", src, diags))
	}
	return f.Body().GetAttribute("x").Expr().BuildTokens(nil)
}

// format lays a file out as exdr fmt would.
func format(f *hclwrite.File) []byte { return hclwrite.Format(f.Bytes()) }

func quoteNodes(nodes []string) string {
	q := make([]string, len(nodes))
	for i, n := range nodes {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// servedCopy is a database an SCR copy became on its standby: its users
// are served there until failback, and belong to the source database.
type servedCopy struct {
	serving, source org.Identity
}

// withoutActivatedCopies is the organization as the configuration should
// declare it while a standby serves an activated SCR copy: without the
// storage group and database made on the standby for it, their mailboxes
// declared in the source database they belong to. The configuration then
// keeps the copy's standby block, and plans say the database waits for
// failback. It returns what it left out, by the standby's server key.
func withoutActivatedCopies(live *org.Org) (*org.Org, map[string][]servedCopy) {
	type activated struct{ source *org.StorageGroup }
	byFolder := map[string]activated{} // machine key | log folder
	for _, sg := range live.StorageGroups {
		if c := sg.Copy; c != nil && !c.Local && c.Health != nil && c.Health.ActivatedOn != "" {
			byFolder[org.Identity(c.Health.ActivatedOn).Key()+"|"+strings.ToLower(strings.TrimRight(sg.LogFolderPath, `\`))] = activated{sg}
		}
	}
	if len(byFolder) == 0 {
		return live, nil
	}
	out := *live
	out.StorageGroups, out.Databases, out.Mailboxes = nil, nil, nil
	dropped := map[string]org.Identity{} // dropped storage group key -> source storage group
	served := map[string][]servedCopy{}
	for _, sg := range live.StorageGroups {
		if a, ok := byFolder[org.Identity(sg.Server).Key()+"|"+strings.ToLower(strings.TrimRight(sg.LogFolderPath, `\`))]; ok && sg.Copy == nil {
			dropped[sg.Identity().Key()] = a.source.Identity()
			continue
		}
		out.StorageGroups = append(out.StorageGroups, sg)
	}
	moved := map[string]org.Identity{} // serving database key -> source database
	for _, db := range live.Databases {
		src, ok := dropped[db.StorageGroup.Key()]
		if !ok {
			out.Databases = append(out.Databases, db)
			continue
		}
		moved[db.Identity().Key()] = src.Join(db.Name)
		k := org.Identity(db.Server()).Key()
		served[k] = append(served[k], servedCopy{serving: db.Identity(), source: src.Join(db.Name)})
	}
	for _, m := range live.Mailboxes {
		if src, ok := moved[m.Database.Key()]; ok {
			c := *m
			c.Database = src
			m = &c
		}
		out.Mailboxes = append(out.Mailboxes, m)
	}
	return &out, served
}
