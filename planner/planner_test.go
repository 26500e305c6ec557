package planner

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

func ptr[T any](v T) *T { return &v }

// desiredOrg is MBX01 with SG1 holding DB1 and DB2, and PF1 in SG2.
func desiredOrg() *org.Org {
	day := org.Duration(org.Day)
	o := &org.Org{
		Name:       "Contoso",
		Objectives: org.Objectives{RTO: org.Duration(30 * time.Minute), RPO: org.Duration(15 * time.Minute)},
		Servers:    []*org.Server{{Addr: addr(org.KindServer, "MBX01"), Name: "MBX01", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise}},
		StorageGroups: []*org.StorageGroup{
			{Addr: addr(org.KindStorageGroup, "SG1"), Name: "SG1", Server: "MBX01", LogFolderPath: `D:\Exchange\SG1`, SystemFolderPath: `D:\Exchange\SG1`},
			{Addr: addr(org.KindStorageGroup, "SG2"), Name: "SG2", Server: "MBX01", LogFolderPath: `D:\Exchange\SG2`, SystemFolderPath: `D:\Exchange\SG2`},
		},
		Databases: []*org.Database{
			{Addr: addr(org.KindMailboxDatabase, "DB1"), Kind: org.MailboxDB, Name: "DB1", StorageGroup: `MBX01\SG1`, EdbFilePath: `E:\Exchange\SG1\DB1.edb`, Mounted: true,
				DeletedItemRetention: ptr(14 * day), MailboxRetention: ptr(30 * day)},
			{Addr: addr(org.KindMailboxDatabase, "DB2"), Kind: org.MailboxDB, Name: "DB2", StorageGroup: `MBX01\SG1`, EdbFilePath: `E:\Exchange\SG1\DB2.edb`, Mounted: true},
			{Addr: addr(org.KindPublicFolderDatabase, "PF1"), Kind: org.PublicFolderDB, Name: "PF1", StorageGroup: `MBX01\SG2`, EdbFilePath: `E:\Exchange\SG2\PF1.edb`, Mounted: true},
		},
	}
	for _, db := range o.Databases {
		db.Decl.Range = hcl.Range{Filename: "storage.exdr.hcl", Start: hcl.Pos{Line: 10, Column: 1}, End: hcl.Pos{Line: 10, Column: 24}}
	}
	return o
}

func addr(k org.Kind, name string) org.Address { return org.Address{Kind: k, Name: name} }

// healthyLive is what a provider reads from the desired organization,
// fully built and mounted.
func healthyLive() *org.Org {
	d := desiredOrg()
	live := &org.Org{Name: d.Name}
	for _, s := range d.Servers {
		c := *s
		c.Addr, c.Decl, c.Health = org.Address{}, org.Decl{}, &org.ServerHealth{Up: true}
		live.Servers = append(live.Servers, &c)
	}
	for i, sg := range d.StorageGroups {
		c := *sg
		c.Addr, c.Decl = org.Address{}, org.Decl{}
		c.Health = &org.LogHealth{FolderExists: true, Prefix: fmt.Sprintf("E%02X", i), Checkpoint: 3, OnDisk: org.LogRange{Low: 1, High: 5}}
		live.StorageGroups = append(live.StorageGroups, &c)
	}
	for _, db := range d.Databases {
		c := *db
		c.Addr, c.Decl = org.Address{}, org.Decl{}
		c.AllowFileRestore, c.RetainDeletedItemsUntilBackup = ptr(false), ptr(false)
		c.DeletedItemRetention = ptr(org.Duration(14 * org.Day))
		if c.Kind == org.MailboxDB {
			c.MailboxRetention = ptr(org.Duration(30 * org.Day))
		}
		c.Health = &org.DatabaseHealth{FileExists: true, State: org.StateDirty, LogRequired: org.LogRange{Low: 3, High: 5}, Pages: 7, Mounted: true, Size: 64 * org.KiloByte}
		live.Databases = append(live.Databases, &c)
	}
	return live
}

func liveDB(o *org.Org, name string) *org.Database {
	for _, db := range o.Databases {
		if db.Name == name {
			return db
		}
	}
	panic(name)
}

// procedures are the damage a live organization can show and what the
// planner must do about it.
var procedures = []struct {
	name    string
	damage  func(live *org.Org)
	desired func(d *org.Org)
	opts    Options
	steps   string // the step IDs in order, space separated
	refused []string
}{
	{name: "converged", steps: ""},
	{name: "build_from_nothing", damage: func(l *org.Org) { *l = org.Org{} },
		steps: "server.MBX01:create_server storage_group.SG1:create_storage_group mailbox_database.DB1:create_database mailbox_database.DB1:mount " +
			"mailbox_database.DB2:create_database mailbox_database.DB2:mount storage_group.SG2:create_storage_group " +
			"public_folder_database.PF1:create_database public_folder_database.PF1:mount"},
	{name: "dismounted", damage: func(l *org.Org) {
		h := liveDB(l, "DB2").Health
		h.Mounted, h.State, h.LogRequired = false, org.StateClean, org.LogRange{}
	}, steps: "mailbox_database.DB2:mount"},
	{name: "unwanted_mount", desired: func(d *org.Org) { d.Databases[1].Mounted = false }, steps: "mailbox_database.DB2:dismount"},
	{name: "soft_recovery", damage: func(l *org.Org) { liveDB(l, "DB1").Health.Mounted = false },
		steps: "mailbox_database.DB1:replay_logs mailbox_database.DB1:mount"},
	{name: "missing_log_refused", damage: func(l *org.Org) {
		liveDB(l, "DB1").Health.Mounted = false
		l.StorageGroups[0].Health.Missing = []uint32{4}
	}, refused: []string{"mailbox_database.DB1 (MBX01\\SG1\\DB1): it is in dirty shutdown and needs log generations 3-5, but generation 4 is missing"}},
	{name: "missing_log_repair", opts: Options{AllowDataLoss: true}, damage: func(l *org.Org) {
		liveDB(l, "DB1").Health.Mounted = false
		l.StorageGroups[0].Health.Corrupt = []uint32{5}
	}, // DB2, mounted in the same storage group, needs generation 5 too:
		// a crash would lose what it holds, so it is repaired as well; and
		// generation 5 is the current one, set aside before either mounts.
		steps: "mailbox_database.DB1:repair_database mailbox_database.DB1:defragment mailbox_database.DB1:integrity_check " +
			"mailbox_database.DB2:dismount mailbox_database.DB2:repair_database mailbox_database.DB2:defragment mailbox_database.DB2:integrity_check " +
			"storage_group.SG1:set_aside_logs mailbox_database.DB1:mount mailbox_database.DB2:mount"},
	{name: "mounted_needs_damaged_log_refused", damage: func(l *org.Org) {
		l.StorageGroups[0].Health.Corrupt = []uint32{4}
	}, refused: []string{"mailbox_database.DB1 (MBX01\\SG1\\DB1): it is mounted (a crash would need them) and needs log generations 3-5, but generation 4 fails its checksums"}},
	{name: "lost_file_refused", damage: func(l *org.Org) { liveDB(l, "DB1").Health = &org.DatabaseHealth{} },
		refused: []string{"mailbox_database.DB1 (MBX01\\SG1\\DB1): its file E:\\Exchange\\SG1\\DB1.edb is missing"}},
	{name: "lost_file_allowed_in_config", damage: func(l *org.Org) { liveDB(l, "DB1").Health = &org.DatabaseHealth{} },
		desired: func(d *org.Org) { d.Databases[0].Recovery.AllowDataLoss = true },
		steps:   "mailbox_database.DB1:create_empty_database mailbox_database.DB1:mount"},
	{name: "bad_pages", opts: Options{AllowDataLoss: true}, damage: func(l *org.Org) { liveDB(l, "DB2").Health.BadPages = []uint32{3, 4} },
		steps: "mailbox_database.DB2:dismount mailbox_database.DB2:repair_database mailbox_database.DB2:defragment mailbox_database.DB2:integrity_check mailbox_database.DB2:mount"},
	{name: "bad_pages_refused", damage: func(l *org.Org) { liveDB(l, "PF1").Health.BadPages = []uint32{0} },
		refused: []string{"public_folder_database.PF1 (MBX01\\SG2\\PF1): the header page (page 0) fails"}},
	{name: "settings_drift", damage: func(l *org.Org) {
		liveDB(l, "DB1").DeletedItemRetention = ptr(org.Duration(7 * org.Day))
	}, desired: func(d *org.Org) { d.Databases[1].RetainDeletedItemsUntilBackup = ptr(true) },
		steps: "mailbox_database.DB1:set_database mailbox_database.DB2:set_database"},
	{name: "circular_logging_drift", damage: func(l *org.Org) { l.StorageGroups[1].CircularLogging = true },
		steps: "storage_group.SG2:set_storage_group"},
	{name: "unmanaged_left_alone", damage: func(l *org.Org) {
		extra := *liveDB(l, "DB2")
		extra.Name = "Old"
		l.Databases = append(l.Databases, &extra)
	}, steps: ""},
	{name: "server_lost", opts: Options{AllowDataLoss: true}, damage: func(l *org.Org) {
		l.Servers[0].Health.Up = false
		for _, sg := range l.StorageGroups {
			sg.Health = &org.LogHealth{Prefix: sg.Health.Prefix}
		}
		for _, db := range l.Databases {
			db.Health = &org.DatabaseHealth{}
		}
	}, steps: "server.MBX01:create_server storage_group.SG1:create_storage_group mailbox_database.DB1:create_empty_database mailbox_database.DB1:mount " +
		"mailbox_database.DB2:create_empty_database mailbox_database.DB2:mount storage_group.SG2:create_storage_group " +
		"public_folder_database.PF1:create_empty_database public_folder_database.PF1:mount"},
	// A file eseutil could not read: nothing planned from it, and the
	// plan does not say the organization matches (it said "No changes").
	{name: "unreadable", damage: func(l *org.Org) {
		db := org.NewIndex(l).Database(`MBX01\SG1\DB1`)
		db.Health = &org.DatabaseHealth{Unreadable: "eseutil /mh cannot read the file: error -1032 (JET_errFileAccessDenied, Cannot access file, the file is locked or in use)"}
	}},
	{name: "targeted", opts: Options{Targets: []string{"mailbox_database.DB2"}}, damage: func(l *org.Org) { *l = org.Org{} },
		steps: "server.MBX01:create_server storage_group.SG1:create_storage_group mailbox_database.DB2:create_database mailbox_database.DB2:mount"},
}

func TestProcedures(t *testing.T) {
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden"))
	for _, tt := range procedures {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := desiredOrg(), healthyLive()
			if tt.damage != nil {
				tt.damage(live)
			}
			if tt.desired != nil {
				tt.desired(desired)
			}
			p, diags := New(desired, live, tt.opts)
			if len(tt.refused) > 0 {
				if !diags.HasErrors() {
					t.Fatalf("planned %q, want a refusal", ids(p))
				}
				for i, want := range tt.refused {
					if i >= len(diags) || diags[i].Summary != "Recovery would lose data" || !strings.Contains(diags[i].Detail, want) ||
						diags[i].Subject == nil || diags[i].Subject.Start.Line != 10 {
						t.Errorf("refusal %d = %v, want a 'Recovery would lose data' at line 10 containing %q", i, diags, want)
					}
					if !strings.Contains(diags[i].Detail, "allow_data_loss = true") {
						t.Errorf("the refusal does not say what would allow it: %s", diags[i].Detail)
					}
				}
				return
			}
			text := accepted(t, p, diags, tt.steps)
			var color, md, js, dot bytes.Buffer
			WriteText(&color, p, TextOptions{Color: true})
			WriteMarkdown(&md, p)
			WriteJSON(&js, p)
			WriteDOT(&dot, p)
			g.Assert(t, tt.name+".txt", []byte(text))
			g.Assert(t, tt.name+".color.txt", color.Bytes())
			g.Assert(t, tt.name+".md", md.Bytes())
			g.Assert(t, tt.name+".json", js.Bytes())
			g.Assert(t, tt.name+".graph", []byte(p.String()))
			g.Assert(t, tt.name+".dot", dot.Bytes())
		})
	}
}

func ids(p *Plan) string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.ID)
	}
	return strings.Join(out, " ")
}

// accepted holds a plan a table case expects to be made: not refused,
// its steps in the order want lists them, each after the steps it
// depends on. It returns the plan's text rendering, for the case's
// golden file and the phrases it must say.
func accepted(t *testing.T, p *Plan, diags hcl.Diagnostics, want string) string {
	t.Helper()
	if diags.HasErrors() {
		t.Fatalf("refused: %s", diags)
	}
	if got := ids(p); got != want {
		t.Errorf("steps:\n got %s\nwant %s", got, want)
	}
	assertDependenciesFirst(t, p)
	var text bytes.Buffer
	WriteText(&text, p, TextOptions{})
	return text.String()
}

// goldenText compares a plan's text rendering with testdata/<name>.txt.golden.
func goldenText(t *testing.T, name, text string) {
	t.Helper()
	goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden")).Assert(t, name+".txt", []byte(text))
}

func assertDependenciesFirst(t *testing.T, p *Plan) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range p.Steps {
		for _, d := range s.DependsOn {
			if !seen[d] {
				t.Errorf("%s comes before %s, which it depends on", s.ID, d)
			}
		}
		seen[s.ID] = true
	}
}

func TestColorOnlyWhenAsked(t *testing.T) {
	live := healthyLive()
	live.Databases[0].Health.BadPages = []uint32{1}
	p, _ := New(desiredOrg(), live, Options{AllowDataLoss: true})
	var plain, color bytes.Buffer
	WriteText(&plain, p, TextOptions{})
	WriteText(&color, p, TextOptions{Color: true})
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(color.String(), "\x1b[1;31m") {
		t.Errorf("colour: plain has escapes %v, colour has red %v", strings.Contains(plain.String(), "\x1b["), strings.Contains(color.String(), "\x1b[1;31m"))
	}
}

func TestPSQuote(t *testing.T) {
	tests := map[string]string{
		`MBX01\SG1`:         `'MBX01\SG1'`,
		`O'Brien's DB`:      `'O''Brien''s DB'`,
		`$(Remove-Item C:)`: `'$(Remove-Item C:)'`,
		"":                  `''`,
	}
	for in, want := range tests {
		if got := psQuote(in); got != want {
			t.Errorf("psQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestEffectsOrdered(t *testing.T) {
	if providers.ReadOnly >= providers.Reversible || providers.Irreversible >= providers.DataLoss {
		t.Error("effects are not ordered from mild to grave")
	}
}

func TestRoundEstimate(t *testing.T) {
	tests := map[time.Duration]string{
		0: "0s", 10 * time.Second: "10s", 90 * time.Second: "1m30s", 45 * time.Minute: "45m",
		time.Hour: "1h", 65*time.Minute + 40*time.Second: "1h5m", 1500 * time.Millisecond: "2s",
	}
	for d, want := range tests {
		if got := RoundEstimate(d); got != want {
			t.Errorf("RoundEstimate(%v) = %q, want %q", d, got, want)
		}
	}
}

// A provider that reads another organization than the configuration's
// is refused before any step is planned: exdr changes nothing there.
// Before, a configuration pointed at another organization's lab (or
// shell) planned that organization into this one's shape.
func TestAnotherOrganizationIsRefused(t *testing.T) {
	desired := &org.Org{Name: "Contoso", Servers: []*org.Server{{Name: "MBX01", Roles: org.Roles(org.RoleMailbox)}}}
	for _, tt := range []struct {
		live string
		ok   bool
	}{{"Fabrikam", false}, {"contoso", true}, {"", true}} {
		_, diags := New(desired, &org.Org{Name: tt.live}, Options{})
		refused := diags.HasErrors() && strings.Contains(diags.Error(), `the provider reads the organization "Fabrikam"`)
		if refused == tt.ok {
			t.Errorf("live %q: diagnostics %v", tt.live, diags)
		}
	}
}

// A clustered mailbox server that does not answer is never planned a
// Setup /m:RecoverServer, which Microsoft says not to use for clusters:
// the plan refuses, naming the cluster procedure. Before, it planned
// create_server with setup = recover_server.
func TestClusteredMailboxServerIsNotRecoveredAsAServer(t *testing.T) {
	desired := &org.Org{Name: "Contoso", Servers: []*org.Server{{Name: "CMS01", Roles: org.Roles(org.RoleMailbox)}}}
	live := &org.Org{Name: "Contoso", Servers: []*org.Server{{Name: "CMS01", Roles: org.Roles(org.RoleMailbox),
		ClusterNodes: []string{"NODE1", "NODE2"}, Health: &org.ServerHealth{}}}}
	p, diags := New(desired, live, Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Setup /RecoverCMS") || !strings.Contains(diags.Error(), "NODE1, NODE2") {
		t.Fatalf("diagnostics %v", diags)
	}
	if p != nil {
		for _, s := range p.Steps {
			if s.Verb == providers.VerbCreateServer {
				t.Errorf("planned %s with setup %s", s.ID, s.Args["setup"])
			}
		}
	}
}

// A declared clustered mailbox server: never built or rebuilt as a
// server; its declared nodes name the cluster when the read gives none;
// nodes that differ are noted.
func TestDeclaredClusteredMailboxServer(t *testing.T) {
	cms := func() *org.Server {
		return &org.Server{Addr: addr(org.KindClusteredMailboxServer, "CMS01"), Name: "CMS01", Roles: org.Roles(org.RoleMailbox),
			Edition: org.EditionEnterprise, Cluster: &org.Cluster{Type: org.ClusterCCR, Nodes: []string{"NODE1", "NODE2"}, AutoDatabaseMountDial: "lossless"}}
	}
	tests := []struct {
		name    string
		live    *org.Server
		refused string
		note    string
		step    string // the one step planned: its ID, setup and nodes
	}{
		{name: "not there", step: "clustered_mailbox_server.CMS01:create_server new_cms NODE1,NODE2"},
		{name: "every node lost", live: &org.Server{Name: "CMS01", Roles: org.Roles(org.RoleMailbox), ClusterNodes: []string{"NODE1", "NODE2"}, Health: &org.ServerHealth{},
			Cluster: &org.Cluster{Type: org.ClusterCCR, Nodes: []string{"NODE1", "NODE2"}, Active: "NODE1", NodesDown: []string{"NODE1", "NODE2"}}},
			step: "clustered_mailbox_server.CMS01:create_server recover_cms NODE1,NODE2"},
		{name: "active node failed with its disks", live: &org.Server{Name: "CMS01", Roles: org.Roles(org.RoleMailbox), ClusterNodes: []string{"NODE1", "NODE2"}, Health: &org.ServerHealth{},
			Cluster: &org.Cluster{Type: org.ClusterCCR, Nodes: []string{"NODE1", "NODE2"}, Active: "NODE1", NodesDown: []string{"NODE1"}, NodesFailed: []string{"NODE1"}}},
			step: "clustered_mailbox_server.CMS01.node.NODE1:create_server cluster_node NODE1,NODE2", note: "could serve sooner"},
		{name: "passive node lost", live: &org.Server{Name: "CMS01", Roles: org.Roles(org.RoleMailbox), ClusterNodes: []string{"NODE1", "NODE2"}, Health: &org.ServerHealth{Up: true},
			Cluster: &org.Cluster{Type: org.ClusterCCR, Nodes: []string{"NODE1", "NODE2"}, Active: "NODE1", NodesDown: []string{"NODE2"}}},
			step: "clustered_mailbox_server.CMS01.node.NODE2:create_server cluster_node NODE1,NODE2"},
		{name: "failed over, old node lost", live: &org.Server{Name: "CMS01", Roles: org.Roles(org.RoleMailbox), ClusterNodes: []string{"NODE1", "NODE2"}, Health: &org.ServerHealth{Up: true},
			Cluster: &org.Cluster{Type: org.ClusterCCR, Nodes: []string{"NODE1", "NODE2"}, Active: "NODE2", NodesDown: []string{"NODE1"},
				LastFailover: &org.Failover{From: "NODE1", To: "NODE2", Lost: map[string]int{"SG1": 2}}}},
			step: "clustered_mailbox_server.CMS01.node.NODE1:create_server cluster_node NODE1,NODE2", note: "the cluster moved it from NODE1 to NODE2"},
		{name: "down, no nodes read", live: &org.Server{Name: "CMS01", Roles: org.Roles(org.RoleMailbox), Health: &org.ServerHealth{}},
			refused: "its nodes: NODE1, NODE2"},
		{name: "up, other nodes", live: &org.Server{Name: "CMS01", Roles: org.Roles(org.RoleMailbox), ClusterNodes: []string{"node1", "NODE3"}, Health: &org.ServerHealth{Up: true}},
			note: "its nodes differ (live node1, NODE3, configuration NODE1, NODE2)"},
		{name: "up, same nodes", live: &org.Server{Name: "CMS01", Roles: org.Roles(org.RoleMailbox), ClusterNodes: []string{"node2", "node1"}, Health: &org.ServerHealth{Up: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired := &org.Org{Name: "Contoso", Servers: []*org.Server{cms()}}
			live := &org.Org{Name: "Contoso"}
			if tt.live != nil {
				live.Servers = []*org.Server{tt.live}
			}
			p, diags := New(desired, live, Options{})
			if tt.refused != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.refused) {
					t.Fatalf("diagnostics %v, want one saying %q", diags, tt.refused)
				}
				return
			}
			if tt.step != "" {
				if diags.HasErrors() || len(p.Steps) != 1 {
					t.Fatalf("diagnostics %v, steps %v; want the one step %s", diags, ids(p), tt.step)
				}
				st := p.Steps[0]
				if got := st.ID + " " + st.Args["setup"] + " " + st.Args["nodes"]; got != tt.step {
					t.Errorf("planned %s, want %s", got, tt.step)
				}
			} else if diags.HasErrors() || len(p.Steps) > 0 {
				t.Fatalf("diagnostics %v, steps %v", diags, ids(p))
			}
			noted := slices.ContainsFunc(p.Notes, func(n string) bool {
				return strings.Contains(n, "nodes differ") || strings.Contains(n, "could serve sooner") || strings.Contains(n, "the cluster moved it")
			})
			if (tt.note != "") != noted || tt.note != "" && !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, tt.note) }) {
				t.Errorf("notes %q, want %q", p.Notes, tt.note)
			}
		})
	}
}

// TestFactsOnlyWhenAsked: a plan that is only shown carries no facts, and
// one made to be saved carries the facts of every live resource, the
// same as liveFacts reads them; a file cannot be made without them.
func TestFactsOnlyWhenAsked(t *testing.T) {
	desired, live := bigOrgs(2, 2, 2)
	shown, diags := New(desired, live, Options{AllowDataLoss: true})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if shown.Facts != nil {
		t.Errorf("a plan made without RecordFacts has %d facts", len(shown.Facts))
	}
	saved, diags := New(desired, live, Options{AllowDataLoss: true, RecordFacts: true})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if want := len(live.Servers) + len(live.StorageGroups) + len(live.Databases); len(saved.Facts) != want {
		t.Errorf("a plan made with RecordFacts has facts of %d resources, want %d", len(saved.Facts), want)
	}
	if !reflect.DeepEqual(saved.Facts, liveFacts(live)) {
		t.Error("the recorded facts are not the live organization's")
	}
	if len(shown.Steps) != len(saved.Steps) {
		t.Errorf("recording facts changed the plan: %d steps against %d", len(saved.Steps), len(shown.Steps))
	}
	defer func() {
		if recover() == nil {
			t.Error("NewFile took a plan without facts")
		}
	}()
	NewFile(shown, "dir", FileProvider{Type: "lab"}, time.Now())
}
