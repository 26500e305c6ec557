package generate

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/ems"
)

// fixtureShell answers the ems read script with the provider's read
// fixture, as powershell.exe on a real organization would.
type fixtureShell struct{ doc []byte }

func (f fixtureShell) Run(context.Context, string) (string, string, int, error) {
	return ems.ReadMarker + "\n" + base64.StdEncoding.EncodeToString(f.doc) + "\n", "", 0, nil
}

// The configuration written from the ems provider's read fixture (a
// Management Shell's answer, written from the documented properties).
func TestGoldenFromTheEMSFixture(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "providers", "ems", "testdata", "read.xml"))
	if err != nil {
		t.Fatal(err)
	}
	live, err := ems.New(fixtureShell{doc}, ems.Options{}, nil).Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(live, Options{Provider: org.ProviderConfig{Type: "ems", PowerShell: "powershell.exe", DomainController: "dc01.contoso.com"},
		Source: "the Exchange Management Shell through dc01.contoso.com"})
	if err != nil {
		t.Fatal(err)
	}
	g := goldie.New(t, goldie.WithFixtureDir(filepath.Join("testdata", "ems")), goldie.WithNameSuffix(".golden"))
	for _, f := range files {
		g.Assert(t, strings.ReplaceAll(f.Name, "/", "_"), f.Data)
	}
}

func TestIdent(t *testing.T) {
	tests := []struct{ in, prefix, want string }{
		{"DB1", "db_", "DB1"},
		{"Mailbox Database", "db_", "Mailbox_Database"},
		{"O'Brien", "sg_", "O_Brien"},
		{"2007", "db_", "db_2007"},
		{"Déjà vu", "db_", "Déjà_vu"},
		{"Übung", "sg_", "Übung"},
		{"1ère", "db_", "db_1ère"},
		{"$(whoami)", "sg_", "sg___whoami_"},
		{"", "mailbox_", "mailbox_"},
		{"-x", "server_", "server_-x"},
		{"a-b_c", "x_", "a-b_c"},
	}
	for _, tt := range tests {
		if got := ident(tt.in, tt.prefix); got != tt.want {
			t.Errorf("ident(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"MBX01", "MBX01"},
		{`..\..\etc`, "_.._etc"},
		{"a/b", "a_b"},
		{"..", "server"},
		{"CON:", "CON_"},
	}
	for _, tt := range tests {
		if got := fileName(tt.in); got != tt.want {
			t.Errorf("fileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Values equal to Exchange's defaults are left out, and written with
// All; what differs is always written.
func TestDefaultsLeftOut(t *testing.T) {
	d14, d30, d7 := org.Duration(14*24*3600e9), org.Duration(30*24*3600e9), org.Duration(7*24*3600e9)
	f, tr := false, true
	live := &org.Org{Name: "Contoso",
		Servers:       []*org.Server{{Name: "MBX01", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionStandard}},
		StorageGroups: []*org.StorageGroup{{Name: "SG1", Server: "MBX01", LogFolderPath: `D:\SG1`, SystemFolderPath: `D:\SG1`}},
		Databases: []*org.Database{
			{Kind: org.MailboxDB, Name: "DB1", StorageGroup: `MBX01\SG1`, EdbFilePath: `E:\DB1.edb`, Mounted: true,
				DeletedItemRetention: &d14, MailboxRetention: &d30, RetainDeletedItemsUntilBackup: &f, AllowFileRestore: &f},
			{Kind: org.MailboxDB, Name: "DB2", StorageGroup: `MBX01\SG1`, EdbFilePath: `E:\DB2.edb`, Mounted: true,
				DeletedItemRetention: &d7, MailboxRetention: &d30, RetainDeletedItemsUntilBackup: &tr, AllowFileRestore: &f},
		}}
	text := func(all bool) string {
		files, err := Generate(live, Options{All: all, Provider: org.ProviderConfig{Type: "lab", Path: ".exdr/lab"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Name == "MBX01.exdr.hcl" {
				return string(f.Data)
			}
		}
		t.Fatal("no MBX01.exdr.hcl")
		return ""
	}
	plain, all := text(false), text(true)
	for _, want := range []string{`deleted_item_retention            = "7d"`, "retain_deleted_items_until_backup = true"} {
		if !strings.Contains(plain, want) {
			t.Errorf("without -all, %q is missing:\n%s", want, plain)
		}
	}
	for _, absent := range []string{`"14d"`, `"30d"`, "allow_file_restore", "edition", "circular_logging", "system_folder_path", "mounted"} {
		if strings.Contains(plain, absent) {
			t.Errorf("without -all, %s is written:\n%s", absent, plain)
		}
		if !strings.Contains(all, absent) {
			t.Errorf("with -all, %s is missing:\n%s", absent, all)
		}
	}
}

// A database someone dismounted is declared dismounted; one a failure
// took down is declared mounted, so that the plan shows its recovery.
func TestDismountedOnPurpose(t *testing.T) {
	clean := org.DatabaseHealth{FileExists: true, State: org.StateClean}
	tests := []struct {
		name string
		h    org.DatabaseHealth
		want bool
	}{
		{"dismounted cleanly", clean, true},
		{"mounted", func() org.DatabaseHealth { h := clean; h.Mounted = true; return h }(), false},
		{"file missing", org.DatabaseHealth{State: org.StateClean}, false},
		{"dirty shutdown", func() org.DatabaseHealth { h := clean; h.State = org.StateDirty; return h }(), false},
		{"bad pages", func() org.DatabaseHealth { h := clean; h.BadPages = []uint32{4}; return h }(), false},
		{"another database's file", func() org.DatabaseHealth { h := clean; h.Foreign = `MBX02\SG1\DB2`; return h }(), false},
		{"restore unfinished", func() org.DatabaseHealth { h := clean; h.Restore = &org.PendingRestore{}; return h }(), false},
	}
	for _, tt := range tests {
		h := tt.h
		if got := dismountedOnPurpose(&org.Database{Health: &h}); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A server's file never takes the name of another generated file, of
// another server's (ignoring case, as Windows and macOS do), or of a
// Windows device. Before, servers named main and mailboxes overwrote
// main.exdr.hcl and mailboxes.exdr.hcl.
func TestServerFileNamesAreUnique(t *testing.T) {
	var servers []*org.Server
	for _, n := range []string{"main", "MAILBOXES", "generated", "MBX01", "mbx01", "CON", "com3", "users"} {
		servers = append(servers, &org.Server{Name: n})
	}
	got := serverFiles(servers)
	want := []string{"main_server", "MAILBOXES_server", "generated_server", "MBX01", "mbx01_server", "CON_server", "com3_server", "users"}
	seen := map[string]bool{}
	for i, s := range servers {
		if got[s] != want[i] {
			t.Errorf("%s: %q, want %q", s.Name, got[s], want[i])
		}
		if seen[strings.ToLower(got[s])] {
			t.Errorf("%s: %q taken twice", s.Name, got[s])
		}
		seen[strings.ToLower(got[s])] = true
	}
}

// Rows of mailboxes.csv asked for with -target are written as blocks of
// their own, each with a label no other block has. Before, ${x} and %{x}
// both became mailbox "mailbox___x_", and generated.exdr.hcl declared it
// twice.
func TestTargetedRowsHaveLabelsOfTheirOwn(t *testing.T) {
	live := &org.Org{Name: "Contoso",
		Servers:       []*org.Server{{Name: "MBX01", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionStandard}},
		StorageGroups: []*org.StorageGroup{{Name: "SG1", Server: "MBX01", LogFolderPath: `D:\SG1`}},
		Databases:     []*org.Database{{Kind: org.MailboxDB, Name: "DB1", StorageGroup: `MBX01\SG1`, EdbFilePath: `E:\DB1.edb`, Mounted: true}},
	}
	for _, a := range []string{"${x}", "%{x}", "a_b", "a.b", "c", "d", "e"} {
		mb := &org.Mailbox{Name: a, Database: `MBX01\SG1\DB1`}
		if a == "a.b" {
			f := false
			mb.UseDatabaseRetentionDefaults = &f // a block of its own, labelled a_b
		}
		live.Mailboxes = append(live.Mailboxes, mb)
	}
	files, err := Generate(live, Options{Provider: org.ProviderConfig{Type: "lab", Path: "lab"},
		Targets: []string{`mailbox.users["${x}"]`, `mailbox.users["%{x}"]`, `mailbox.users["a_b"]`, "mailbox.a_b"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Name != TargetFile {
		t.Fatalf("files: %v", files)
	}
	f, diags := hclsyntax.ParseConfig(files[0].Data, TargetFile, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	seen := map[string]bool{}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if seen[b.Labels[0]] {
			t.Errorf("mailbox %q declared twice:\n%s", b.Labels[0], files[0].Data)
		}
		seen[b.Labels[0]] = true
	}
	if len(seen) != 4 {
		t.Errorf("%d blocks, want 4:\n%s", len(seen), files[0].Data)
	}
}
