package ems

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/ems/clixml"
	"github.com/exdr/exdr/providers/ems/cmdlets"
)

// The read script's output, written by hand from the documented
// properties, maps onto the organization.
func TestReadFixture(t *testing.T) {
	f, err := os.Open("testdata/read.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vals, err := clixml.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	o, err := fromCliXML(vals)
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "Contoso" {
		t.Errorf("the organization: %q, want Contoso (Get-OrganizationConfig)", o.Name)
	}
	if !o.Now.Equal(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("the shell's clock: %v", o.Now)
	}
	ix := org.NewIndex(o)
	s := ix.Server("HUB01")
	if s == nil || !s.Roles.Has(org.RoleMailbox) || !s.Roles.Has(org.RoleHubTransport) || !s.Roles.Has(org.RoleClientAccess) ||
		s.Site != "HQ" || s.Edition != org.EditionEnterprise || !s.Health.Up {
		t.Fatalf("server: %+v", s)
	}
	sg := ix.StorageGroup(`HUB01\SG1`)
	if sg == nil || sg.LogFolderPath != `D:\Exchange\SG1` || !sg.Health.FolderExists || sg.Health.OnDisk != (org.LogRange{Low: 0x29, High: 0x2c}) ||
		len(sg.Health.Missing) != 1 || sg.Health.Missing[0] != 0x2b {
		t.Fatalf("storage group: %+v %+v", sg, sg.Health)
	}
	db := ix.Database(`HUB01\SG1\DB1`)
	if db == nil || db.Health.Mounted || !db.Health.FileExists || db.Health.State != org.StateDirty || db.Health.LogRequired != (org.LogRange{Low: 41, High: 43}) ||
		db.DeletedItemRetention.Short() != "14d" || !*db.RetainDeletedItemsUntilBackup {
		t.Fatalf("database: %+v %+v", db, db.Health)
	}
	if len(o.Backups) != 1 || o.Backups[0].Type != org.BackupFull || o.Backups[0].Covers != 40 || !o.Backups[0].Time.Equal(time.Date(2026, 11, 24, 22, 0, 5, 0, time.UTC)) {
		t.Fatalf("backup sets from the stamps: %+v", o.Backups)
	}
	if len(o.Mailboxes) != 1 || o.Mailboxes[0].Name != "" || o.Mailboxes[0].DisplayName != "Carol Cooper" ||
		o.Mailboxes[0].GUID != "5f0b7a4c-8e0e-4a2b-9b1c-1d2e3f405162" || o.Mailboxes[0].Health.Disconnected.IsZero() {
		t.Fatalf("disconnected mailboxes: %+v", o.Mailboxes)
	}
	if c := sg.Copy; c == nil || c.Local || c.Machine != "MBX03" || c.Health.Status != "Healthy" || c.Health.CopyQueue() != 2 || c.Health.ReplayQueue() != 5 {
		t.Fatalf("standby copy: %+v", sg.Copy)
	}
	q := ix.QueueDatabase("HUB01")
	if q == nil || q.Health.Messages != 17 || len(q.Health.Queues) != 1 || q.Health.Queues[0].Status != "Retry" || q.Health.Queues[0].DeliveryType != "MapiDelivery" {
		t.Fatalf("queues: %+v", q)
	}
}

// The stamps of real eseutil /mh output become the backup sets a manual
// restore is planned from: before, the parser found none.
func TestStampedSetsFromRealHeaders(t *testing.T) {
	db := &org.Database{Kind: org.MailboxDB, Name: "DB1", StorageGroup: `MBX01\SG1`}
	tests := []struct {
		file string
		want string
	}{
		{"mh_2007_full_incremental.txt", "full 420-421; incremental 422-430 on full"},
		{"mh_2007_dirty_vss_differential.txt", "full 420-421; differential 422-426 on full"},
		{"mh_2007_never_backed_up.txt", ""},
	}
	for _, tt := range tests {
		b, err := os.ReadFile(filepath.Join("testdata", "eseutil", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		h, err := ParseHeader(string(b))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range stampedSets(db, h.Backups) {
			d := fmt.Sprintf("%s %d-%d", s.Type, s.Logs.Low, s.Logs.High)
			if s.Base != "" {
				d += " on " + strings.Fields(s.Base)[0]
			}
			got = append(got, d)
		}
		if strings.Join(got, "; ") != tt.want {
			t.Errorf("%s: sets %q, want %q", tt.file, strings.Join(got, "; "), tt.want)
		}
	}
}

// The read survives the outage it is for: a server that does not answer,
// a mounted database (eseutil not run on it), a file eseutil cannot open
// and a command that failed on its server each leave the database
// unreadable or read from the store, never the end of the read. Before,
// a database on a down server read as "file missing" (a restore over a
// file that may be intact), and one eseutil failure failed the read.
func TestReadSurvivesTheOutage(t *testing.T) {
	base, err := os.ReadFile("testdata/read.xml")
	if err != nil {
		t.Fatal(err)
	}
	header := regexp.MustCompile(`<S N="Key">HUB01\\SG1\\DB1</S><S N="Value">            State:[^<]*</S>`)
	locked, err := os.ReadFile("testdata/eseutil/mh_2007_mounted_locked.txt")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		edit       func(string) string
		unreadable string // in DB1's Unreadable; empty: read
		check      func(*testing.T, *org.Database, *org.StorageGroup)
	}{
		{name: "server down", edit: func(s string) string {
			return strings.Replace(s, `<S N="Key">HUB01</S><B N="Value">true</B>`, `<S N="Key">HUB01</S><B N="Value">false</B>`, 1)
		}, unreadable: "HUB01 does not answer", check: func(t *testing.T, db *org.Database, sg *org.StorageGroup) {
			if sg.Health != nil {
				t.Errorf("the log folder of a server that does not answer reads as %+v, want unknown", sg.Health)
			}
		}},
		{name: "mounted", edit: func(s string) string {
			s = strings.Replace(s, `<Nil N="Mounted" />`, `<B N="Mounted">true</B><DT N="LastFullBackup">2026-11-24T22:00:05Z</DT>`, 1)
			return header.ReplaceAllString(s, `<S N="Key">other</S><S N="Value">x</S>`)
		}, check: func(t *testing.T, db *org.Database, _ *org.StorageGroup) {
			h := db.Health
			if !h.Mounted || !h.FileExists || !h.LastFull.Equal(time.Date(2026, 11, 24, 22, 0, 5, 0, time.UTC)) {
				t.Errorf("a mounted database: %+v", h)
			}
		}},
		{name: "file in use", edit: func(s string) string {
			return header.ReplaceAllString(s, `<S N="Key">HUB01\SG1\DB1</S><S N="Value">`+xmlEscape(string(locked))+`</S>`)
		}, unreadable: "-1032"},
		{name: "the shell failed on the server", edit: func(s string) string {
			s = header.ReplaceAllString(s, `<S N="Key">other</S><S N="Value">x</S>`)
			return strings.Replace(s, `<S N="Key">Headers</S>`, `<S N="Key">Errors</S><Obj N="Value" RefId="98"><TNRef RefId="0" /><DCT><En><S N="Key">HUB01\SG1\DB1</S>`+
				`<S N="Value">Connecting to remote server failed with the following error message : WinRM cannot complete the operation.</S></En></DCT></Obj></En><En><S N="Key">Headers</S>`, 1)
		}, unreadable: "the shell on HUB01 failed: Connecting to remote server failed"},
		// Get-Queue failing (transport stopped) says nothing of the
		// server's databases: before, every one of them became unreadable.
		{name: "Get-Queue failed", edit: func(s string) string {
			return strings.Replace(s, `<S N="Key">Headers</S>`, `<S N="Key">Errors</S><Obj N="Value" RefId="98"><TNRef RefId="0" /><DCT><En><S N="Key">queues:HUB01</S>`+
				`<S N="Value">The Microsoft Exchange Transport service is not running.</S></En></DCT></Obj></En><En><S N="Key">Headers</S>`, 1)
		}, check: func(t *testing.T, db *org.Database, _ *org.StorageGroup) {
			if !db.Health.FileExists {
				t.Errorf("DB1: %+v", db.Health)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := clixml.Decode(strings.NewReader(tt.edit(string(base))))
			if err != nil {
				t.Fatal(err)
			}
			o, err := fromCliXML(vals)
			if err != nil {
				t.Fatalf("the read failed: %v", err)
			}
			ix := org.NewIndex(o)
			db, sg := ix.Database(`HUB01\SG1\DB1`), ix.StorageGroup(`HUB01\SG1`)
			if db == nil || db.Health == nil || sg == nil {
				t.Fatalf("database %+v, storage group %+v", db, sg)
			}
			if tt.unreadable == "" && db.Health.Unreadable != "" || !strings.Contains(db.Health.Unreadable, tt.unreadable) {
				t.Errorf("DB1 unreadable %q, want %q", db.Health.Unreadable, tt.unreadable)
			}
			if tt.unreadable != "" && (db.Health.FileExists || len(o.Backups) > 0) {
				t.Errorf("an unreadable database reads as %+v with %d backups", db.Health, len(o.Backups))
			}
			if tt.check != nil {
				tt.check(t, db, sg)
			}
		})
	}
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return strings.NewReplacer("&#xA;", "_x000A_", "&#xD;", "_x000D_", "\n", "_x000A_", "\r", "_x000D_").Replace(b.String())
}

// Get-MailboxDatabase -Status cannot reach a server: its databases come
// back without status, and the read goes on with them unreadable; had
// nothing come back, the read fails rather than see an empty
// organization. Before, -Status under $ErrorActionPreference = 'Stop'
// ended the whole read.
func TestStatusErrors(t *testing.T) {
	base, err := os.ReadFile("testdata/read.xml")
	if err != nil {
		t.Fatal(err)
	}
	withErrors := strings.Replace(string(base), `<S N="Key">Headers</S>`, `<S N="Key">StatusErrors</S><Obj N="Value" RefId="97"><TNRef RefId="1" /><LST>`+
		`<S>Unable to get the status of database HUB01\SG1\DB1: the RPC server is unavailable.</S></LST></Obj></En><En><S N="Key">Headers</S>`, 1)
	vals, err := clixml.Decode(strings.NewReader(withErrors))
	if err != nil {
		t.Fatal(err)
	}
	o, err := fromCliXML(vals)
	if err != nil {
		t.Fatal(err)
	}
	if h := org.NewIndex(o).Database(`HUB01\SG1\DB1`).Health; !strings.Contains(h.Unreadable, "the RPC server is unavailable") {
		t.Fatalf("DB1: %+v", h)
	}
	empty := regexp.MustCompile(`(?s)<S N="Key">MailboxDatabases</S>.*?</LST>`).ReplaceAllString(withErrors, `<S N="Key">MailboxDatabases</S><Obj N="Value" RefId="96"><TNRef RefId="1" /><LST></LST>`)
	vals, err = clixml.Decode(strings.NewReader(empty))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fromCliXML(vals); err == nil || !strings.Contains(err.Error(), "will not read a failed read as an empty organization") {
		t.Fatalf("no databases and an error: %v", err)
	}
}

// A server whose firewall drops pings (Windows Server 2008's default)
// but answers remoting is up: before, the ping alone decided, and a
// healthy server read as down.
func TestReachabilityFallsBackToRemoting(t *testing.T) {
	s := ReadScript(Options{})
	ping := strings.Index(s, "Test-Connection -ComputerName $s.Name")
	probe := strings.Index(s, "Invoke-Command -ComputerName $s.Name -ScriptBlock { 1 }")
	record := strings.Index(s, "$out['Up'][$s.Name] = $up")
	if ping < 0 || probe < ping || record < probe {
		t.Fatalf("the read decides reachability without a remoting probe:\n%s", s)
	}
}

// The read script binds against the documented parameter sets of the
// cmdlets it calls, with and without a domain controller.
func TestReadScriptBinds(t *testing.T) {
	for _, opts := range []Options{{}, {DomainController: "dc01.contoso.com"}} {
		if err := cmdlets.Check(ReadScript(opts)); err != nil {
			t.Errorf("the read script: %v", err)
		}
	}
}

// TestWriteReadScriptCorpus writes the read script into $EXDR_PS_CORPUS
// for CI's independent PowerShell grammar (.ci/psparse); the verbs'
// scripts are written by the script package's TestWriteScriptCorpus.
func TestWriteReadScriptCorpus(t *testing.T) {
	dir := os.Getenv("EXDR_PS_CORPUS")
	if dir == "" {
		t.Skip("EXDR_PS_CORPUS names no folder")
	}
	for name, opts := range map[string]Options{"ems_read": {}, "ems_read_dc": {DomainController: "dc01.contoso.com"}} {
		if err := os.WriteFile(filepath.Join(dir, name+".ps1"), []byte(ReadScript(opts)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The command every script runs under.
	if err := os.WriteFile(filepath.Join(dir, "ems_bootstrap.ps1"), []byte(Bootstrap+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A hub's queue folders are what its EdgeTransport.exe.config names, as
// the read script returns them; not returned, they are unknown (empty),
// and the planner plans no move from them. Failing before: the read set
// C:\Program Files\...\Queue for every hub, so a queue step's eseutil ran
// on the default folder of a hub whose queue was moved.
func TestQueueFoldersAsRead(t *testing.T) {
	hub := func() *org.Org {
		return &org.Org{Servers: []*org.Server{{Name: "HUB01", Roles: org.Roles(org.RoleHubTransport), Health: &org.ServerHealth{Up: true}}}}
	}
	o := hub()
	queues(o, nil, map[string]clixml.Value{}, map[string]clixml.Value{"hub01": {Kind: clixml.String, Str: `D:\Queue|L:\QueueLogs`}})
	if q := o.QueueDatabases[0]; q.Path != `D:\Queue` || q.LoggingPath != `L:\QueueLogs` {
		t.Errorf("read %q, %q", q.Path, q.LoggingPath)
	}
	o = hub()
	queues(o, nil, map[string]clixml.Value{}, map[string]clixml.Value{})
	if q := o.QueueDatabases[0]; q.Path != "" || q.LoggingPath != "" {
		t.Errorf("not read, yet %q, %q", q.Path, q.LoggingPath)
	}
}

// A read document without one of the keys the read script always writes
// is refused: read as given, a missing Up planned Setup for servers that
// run, and a missing StorageGroups New-StorageGroup for groups that exist
// (adversarial review).
func TestReadRefusesAPartialDocument(t *testing.T) {
	b, err := os.ReadFile("testdata/read.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"Up", "StorageGroups", "MailboxDatabases", "Logs"} {
		doc := strings.Replace(string(b), `<S N="Key">`+key+`</S>`, `<S N="Key">Not`+key+`</S>`, 1)
		vals, err := clixml.Decode(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fromCliXML(vals); err == nil || !strings.Contains(err.Error(), "has no "+key) {
			t.Errorf("without %s: %v; want it refused", key, err)
		}
	}
}
