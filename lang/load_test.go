package lang

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

// load loads one in-memory file from a temporary directory; extra files
// (for file() and -var-file) are written beside it.
func load(t *testing.T, src string, opts Options, extra map[string]string) (*Config, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, a := range opts.Vars {
		if a.File != "" {
			opts.Vars[i].File = filepath.Join(dir, a.File)
		}
	}
	return Load(dir, []Source{{Filename: "main.exdr.hcl", Bytes: []byte(src)}}, opts)
}

func mustLoad(t *testing.T, src string, opts Options, extra map[string]string) *org.Org {
	t.Helper()
	cfg, diags := load(t, src, opts, extra)
	if diags.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", render(cfg.Files, diags))
	}
	return cfg.Org
}

const mailboxServer = `
server "MBX01" {
  roles = ["mailbox"]
  site  = var.site
}
variable "site" {
  type    = string
  default = "default"
}
`

func TestVariablePrecedence(t *testing.T) {
	varFile := map[string]string{"a.vars.hcl": `site = "from-file-a"`, "b.vars.hcl": `site = "from-file-b"`}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"default", Options{}, "default"},
		{"environment over default", Options{Env: []string{"EXDR_VAR_site=from-env"}}, "from-env"},
		{"var-file over environment", Options{Env: []string{"EXDR_VAR_site=from-env"}, Vars: []VarArg{{File: "a.vars.hcl"}}}, "from-file-a"},
		{"later var-file wins", Options{Vars: []VarArg{{File: "a.vars.hcl"}, {File: "b.vars.hcl"}}}, "from-file-b"},
		{"-var after var-file wins", Options{Vars: []VarArg{{File: "a.vars.hcl"}, {Name: "site", Value: "from-flag"}}}, "from-flag"},
		{"var-file after -var wins", Options{Vars: []VarArg{{Name: "site", Value: "from-flag"}, {File: "b.vars.hcl"}}}, "from-file-b"},
		{"unrelated environment ignored", Options{Env: []string{"EXDR_VAR_other=x", "SITE=y"}}, "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustLoad(t, mailboxServer, tt.opts, varFile)
			if got := o.Servers[0].Site; got != tt.want {
				t.Errorf("site = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVariableParsedByType(t *testing.T) {
	src := `
variable "roles" {
  type = list(string)
}
server "MBX01" {
  roles = var.roles
}`
	o := mustLoad(t, src, Options{Vars: []VarArg{{Name: "roles", Value: `["mailbox", "client_access"]`}}}, nil)
	if got := o.Servers[0].Roles.String(); got != "mailbox,client_access" {
		t.Errorf("roles = %s, want mailbox,client_access", got)
	}
}

func TestVariableErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		summary string
		sev     hcl.DiagnosticSeverity
	}{
		{"undeclared -var", Options{Vars: []VarArg{{Name: "sit", Value: "x"}}}, "Value for undeclared variable", hcl.DiagError},
		{"undeclared in var-file", Options{Vars: []VarArg{{File: "c.vars.hcl"}}}, "Value for undeclared variable", hcl.DiagWarning},
		{"missing var-file", Options{Vars: []VarArg{{File: "missing.vars.hcl"}}}, "Cannot read variables file", hcl.DiagError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := load(t, mailboxServer, tt.opts, map[string]string{"c.vars.hcl": `other = 1`})
			if len(diags) != 1 || diags[0].Summary != tt.summary || diags[0].Severity != tt.sev {
				t.Fatalf("diagnostics = %v, want one %q", diags, tt.summary)
			}
		})
	}
	_, diags := load(t, mailboxServer, Options{Vars: []VarArg{{Name: "sit", Value: "x"}}}, nil)
	if !strings.Contains(diags[0].Detail, `Did you mean "site"?`) {
		t.Errorf("detail %q does not suggest the declared name", diags[0].Detail)
	}
}

func TestParseVarArg(t *testing.T) {
	tests := []struct {
		in      string
		want    VarArg
		wantErr bool
	}{
		{"site=HQ", VarArg{Name: "site", Value: "HQ"}, false},
		{"expr=a=b", VarArg{Name: "expr", Value: "a=b"}, false},
		{"empty=", VarArg{Name: "empty", Value: ""}, false},
		{"site", VarArg{}, true},
		{"=HQ", VarArg{}, true},
	}
	for _, tt := range tests {
		got, err := ParseVarArg(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseVarArg(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestSensitiveValuesAreNotPrinted(t *testing.T) {
	src := `
variable "secret" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
server "MBX01" {
  roles = [var.secret]
}
storage_group "SG1" {
  server          = var.secret
  log_folder_path = "D:\\SG1"
}`
	cfg, diags := load(t, src, Options{}, nil)
	if !diags.HasErrors() {
		t.Fatal("want errors for the bad role and server")
	}
	if out := render(cfg.Files, diags); strings.Contains(out, "hunter2") {
		t.Errorf("the sensitive value is printed:\n%s", out)
	}

	o := mustLoad(t, `
variable "site" {
  sensitive = true
  default   = "Secret Site"
}
server "MBX01" {
  roles = ["mailbox"]
  site  = var.site
}`, Options{}, nil)
	if !o.Servers[0].Decl.Sensitive["site"] || o.Servers[0].Site != "Secret Site" {
		t.Errorf("site = %q, sensitive = %v; want the value, marked sensitive", o.Servers[0].Site, o.Servers[0].Decl.Sensitive)
	}
}

func TestForEachAndReferences(t *testing.T) {
	src := `
locals {
  departments = toset(["Sales", "Staff"])
}
server "MBX01" {
  roles   = ["mailbox"]
  edition = "enterprise"
}
storage_group "dept" {
  for_each        = local.departments
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\${each.key}"
}
mailbox_database "dept" {
  for_each      = storage_group.dept
  name          = "${each.key}DB"
  storage_group = each.value.identity
  edb_file_path = "E:\\${each.key}.edb"
  depends_on    = [server.MBX01]
}
mailbox "users" {
  for_each     = { for row in csvdecode(file("users.csv")) : row.alias => row }
  display_name = upper(each.value.name)
  database     = mailbox_database.dept[each.value.dept].name
}`
	o := mustLoad(t, src, Options{}, map[string]string{"users.csv": "alias,name,dept\nalice,Alice,Sales\nbob,Bob,Staff\n"})
	var got []string
	for _, db := range o.Databases {
		got = append(got, db.Addr.String()+"="+string(db.Identity()))
	}
	want := `mailbox_database.dept["Sales"]=MBX01\Sales\SalesDB mailbox_database.dept["Staff"]=MBX01\Staff\StaffDB`
	if strings.Join(got, " ") != want {
		t.Errorf("databases:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if len(o.Mailboxes) != 2 || o.Mailboxes[1].Name != "bob" || o.Mailboxes[1].DisplayName != "BOB" || o.Mailboxes[1].Database != `MBX01\Staff\StaffDB` {
		t.Errorf("mailboxes = %+v", o.Mailboxes)
	}
	deps := o.Databases[0].Decl.DependsOn
	if len(deps) != 2 || deps[0].String() != "server.MBX01" || deps[1].String() != "storage_group.dept" {
		t.Errorf("depends on %v, want [server.MBX01 storage_group.dept]", deps)
	}
}

func TestDefaultsAndSettings(t *testing.T) {
	o := mustLoad(t, `
exdr {
  organization = "Contoso"
  objectives {
    rto = "4h"
    rpo = "00:15:00"
  }
}
server "MBX01" {
  roles = ["mailbox"]
}
storage_group "SG1" {
  server          = "mbx01" # Exchange ignores case
  log_folder_path = "D:\\SG1"
}
mailbox_database "DB1" {
  storage_group = "MBX01\\SG1"
  edb_file_path = "E:\\DB1.edb"
}
queue_database "HUB" {
  server = server.HUB.name
}
server "HUB" {
  roles = ["hub_transport"]
}`, Options{}, nil)
	if o.Name != "Contoso" || o.Objectives.RTO.Short() != "4h" || o.Objectives.RPO.Short() != "15m" {
		t.Errorf("settings = %q %s %s", o.Name, o.Objectives.RTO.Short(), o.Objectives.RPO.Short())
	}
	if o.Provider.Type != "lab" || o.Provider.Path != DefaultLabPath {
		t.Errorf("provider = %+v, want the lab at %s", o.Provider, DefaultLabPath)
	}
	sg, db := o.StorageGroups[0], o.Databases[0]
	if sg.Server != "MBX01" || sg.SystemFolderPath != `D:\SG1` {
		t.Errorf("storage group = %+v; want server MBX01 and system folder = log folder", sg)
	}
	if !db.Mounted || db.AllowFileRestore != nil || db.DeletedItemRetention != nil || db.Server() != "MBX01" {
		t.Errorf("database = %+v; want mounted, other settings left to Exchange", db)
	}
	if q := o.QueueDatabases[0]; q.Path != org.DefaultQueuePath || q.State != "healthy" {
		t.Errorf("queue database = %+v", q)
	}
}

func TestReadDir(t *testing.T) {
	if _, diags := ReadDir(t.TempDir()); len(diags) != 1 || diags[0].Summary != "No configuration files" {
		t.Errorf("empty directory: %v", diags)
	}
	if _, diags := ReadDir(filepath.Join(t.TempDir(), "missing")); len(diags) != 1 || diags[0].Summary != "Cannot read configuration directory" {
		t.Errorf("missing directory: %v", diags)
	}
}

func TestQuickstartExample(t *testing.T) {
	cfg, diags := LoadDir("../examples/quickstart", Options{})
	if len(diags) > 0 {
		t.Fatalf("the quickstart example has diagnostics:\n%s", render(cfg.Files, diags))
	}
	o := cfg.Org
	if len(o.Servers) != 4 || len(o.Databases) != 5 || len(o.Mailboxes) == 0 {
		t.Errorf("quickstart has %d servers, %d databases, %d mailboxes", len(o.Servers), len(o.Databases), len(o.Mailboxes))
	}
}

// A reference to mailbox_database.LABEL resolves a name that a public
// folder database with the same label also has: the reference names the
// mailbox database's block. Before, both blocks matched the label and
// the name was refused as ambiguous (found by exdr generate's round trip).
func TestReferenceLabelIsOfItsKind(t *testing.T) {
	o := mustLoad(t, `
exdr { organization = "Contoso" }
server "A" { roles = ["mailbox"] }
server "B" { roles = ["mailbox"] }
storage_group "A_SG" {
  name            = "SG"
  server          = server.A.name
  log_folder_path = "D:\\SG"
}
storage_group "B_SG" {
  name            = "SG"
  server          = server.B.name
  log_folder_path = "D:\\SG"
}
mailbox_database "db-2" {
  storage_group = storage_group.A_SG.identity
  edb_file_path = "E:\\db-2.edb"
}
public_folder_database "db-2" {
  storage_group = storage_group.B_SG.identity
  edb_file_path = "E:\\db-2.edb"
}
mailbox "alice" {
  database = mailbox_database.db-2.name
}
`, Options{}, nil)
	if len(o.Mailboxes) != 1 || o.Mailboxes[0].Database != `A\SG\db-2` {
		t.Fatalf("alice's database: %+v", o.Mailboxes)
	}
}

// A password in conn_str is refused without quoting the line that holds
// it, also when the whole backend block is on that line. Before, the
// one-line block's header was the diagnostic's subject, and the
// password was printed with it.
func TestPasswordIsNeverQuoted(t *testing.T) {
	for _, src := range []string{
		"exdr {\n  organization = \"Contoso\"\n  backend \"pg\" { conn_str = \"postgres://exdr:s3cret@db01/exdr\" }\n}\n",
		"exdr {\n  organization = \"Contoso\"\n  backend \"pg\" {\n    conn_str = \"postgres://exdr:s3cret@db01/exdr\"\n  }\n}\n",
		"exdr {\n  organization = \"Contoso\"\n  backend \"pg\" {\n    conn_str = \"host=db01 password=s3cret\"\n  }\n}\n",
	} {
		cfg, diags := load(t, src, Options{}, nil)
		if !diags.HasErrors() {
			t.Fatalf("no error for a password in:\n%s", src)
		}
		out := render(cfg.Files, diags)
		if strings.Contains(out, "s3cret") || !strings.Contains(out, "A password in the configuration") || !strings.Contains(out, "main.exdr.hcl") {
			t.Errorf("for\n%s\nthe diagnostic:\n%s", src, out)
		}
		for _, d := range diags {
			if d.Subject != nil && strings.Contains(sourceLines(cfg.Files, *d.Subject), "s3cret") {
				t.Errorf("a diagnostic's subject %s holds the password", d.Subject)
			}
		}
	}
}

// sourceLines are the lines of a range, as a snippet would show them.
func sourceLines(files map[string]*hcl.File, r hcl.Range) string {
	f := files[r.Filename]
	if f == nil {
		return ""
	}
	lines := strings.Split(string(f.Bytes), "\n")
	return strings.Join(lines[r.Start.Line-1:min(r.End.Line, len(lines))], "\n")
}

// A standby (SCR) copy keeps the source's paths on its machine: where
// the standby's own storage group or database, or another group's copy,
// already uses them, the configuration is refused at the copy. Before,
// the apply failed on "a file that is not this database's" (found by
// exdr generate's round trip).
func TestStandbyCopyPathsAreItsMachines(t *testing.T) {
	base := `
exdr { organization = "Contoso" }
server "MBX01" { roles = ["mailbox"] }
server "MBX02" { roles = ["mailbox"] }
server "MBX03" { roles = ["mailbox"] }
storage_group "MBX01_SG1" {
  name            = "SG1"
  server          = server.MBX01.name
  log_folder_path = "D:\\Exchange\\SG1"

  standby {
    machine = server.MBX02.name
  }
}
mailbox_database "DB1" {
  storage_group = storage_group.MBX01_SG1.identity
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}
`
	tests := []struct{ name, extra, want string }{
		{"the standby's own logs", `
storage_group "MBX02_SG1" {
  name            = "SG1"
  server          = server.MBX02.name
  log_folder_path = "D:\\Exchange\\SG1"
}`, `MBX02\SG1 keeps its own logs`},
		{"the standby's own database", `
storage_group "MBX02_SG2" {
  name            = "SG2"
  server          = server.MBX02.name
  log_folder_path = "D:\\Exchange\\SG2"
}
mailbox_database "DB2" {
  storage_group = storage_group.MBX02_SG2.identity
  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
}`, `the file of MBX02\SG2\DB2`},
		{"another group's copy", `
storage_group "MBX03_SG1" {
  name            = "SG1"
  server          = server.MBX03.name
  log_folder_path = "D:\\Exchange\\SG1"

  standby {
    machine = server.MBX02.name
  }
}`, `the standby copy of MBX01\SG1 keeps its logs`},
	}
	if _, diags := load(t, base, Options{}, nil); diags.HasErrors() {
		t.Fatalf("the base configuration: %v", diags)
	}
	for _, tt := range tests {
		_, diags := load(t, base+tt.extra, Options{}, nil)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), "Standby copy paths taken") || !strings.Contains(diags.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, diags)
		}
	}
}

// A node is evaluated into a sink of its own and merged afterwards: the
// merge must carry every list of the model, or a resource kind added
// later would vanish from the configuration without a word.
func TestMergeCarriesEveryList(t *testing.T) {
	sink := &evaluator{org: &org.Org{}, links: []*link{{}}}
	v := reflect.ValueOf(sink.org).Elem()
	var lists []string
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() != reflect.Slice {
			continue
		}
		lists = append(lists, v.Type().Field(i).Name)
		if f.Type().Elem().Kind() == reflect.Pointer {
			f.Set(reflect.Append(f, reflect.New(f.Type().Elem().Elem())))
		} else {
			f.Set(reflect.Append(f, reflect.Zero(f.Type().Elem())))
		}
	}
	ev := &evaluator{org: &org.Org{}}
	ev.merge(sink)
	ev.merge(sink)
	got := reflect.ValueOf(ev.org).Elem()
	for _, name := range lists {
		if n := got.FieldByName(name).Len(); n != 2 {
			t.Errorf("after two merges, Org.%s holds %d, want 2", name, n)
		}
	}
	if len(ev.links) != 2 {
		t.Errorf("after two merges, %d links, want 2", len(ev.links))
	}
	if len(lists) < 8 {
		t.Errorf("found %d lists in org.Org: %v", len(lists), lists)
	}
}

// Evaluated a level at a time on every core, a configuration loads to
// the same model, in the same order, with the same diagnostics, as
// evaluated one node after another.
func TestParallelEvaluationMatchesSerial(t *testing.T) {
	load := func(dir string, src []Source) (*Config, hcl.Diagnostics) {
		if src == nil {
			return LoadDir(dir, Options{})
		}
		return Load(dir, src, Options{})
	}
	type config struct {
		dir string
		src []Source
	}
	fixtures, _ := filepath.Glob(filepath.Join(errorFixtures, "*"+FileSuffix))
	var configs []config
	for _, path := range fixtures {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, config{errorFixtures, []Source{{Filename: filepath.Base(path), Bytes: b}}})
	}
	for _, c := range append(configs, []config{
		{".", generatedOrg(20, 10, 5)},
		{"../examples/quickstart", nil},
		{"../examples/public_folders", nil},
		{"../examples/edge", nil},
	}...) {
		parallel, pd := load(c.dir, c.src)
		old := runtime.GOMAXPROCS(1)
		serial, sd := load(c.dir, c.src)
		runtime.GOMAXPROCS(old)
		if pd.Error() != sd.Error() {
			t.Errorf("%s: diagnostics differ:\nparallel %s\nserial   %s", c.dir, pd.Error(), sd.Error())
		}
		if !reflect.DeepEqual(parallel.Org, serial.Org) {
			t.Errorf("%s: the parallel load's model differs from the serial one's", c.dir)
		}
	}
}
