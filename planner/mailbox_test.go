package planner

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

func TestMailboxProcedures(t *testing.T) {
	day := org.Duration(org.Day)
	alice := func() *org.Mailbox {
		return &org.Mailbox{Addr: org.Address{Kind: org.KindMailbox, Name: "users", Key: "alice", Keyed: true}, Name: "alice",
			Owner: `CONTOSO\alice`, Database: `MBX01\SG1\DB1`}
	}
	disconnected := t0.Add(-48 * time.Hour)
	tests := []struct {
		name   string
		want   *org.Mailbox
		live   *org.Mailbox // nil: no trace of it
		steps  string
		golden bool
	}{
		{"mailbox_missing", alice(), nil, "mailbox.users[\"alice\"]:create_mailbox", true},
		{"mailbox_homed_not_yet_in_store", alice(), &org.Mailbox{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InDirectory: true}}, "", false},
		{"mailbox_disconnected", alice(), &org.Mailbox{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InStore: true, Disconnected: disconnected}},
			"mailbox.users[\"alice\"]:connect_mailbox", true},
		{"mailbox_account_gone", alice(), &org.Mailbox{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InStore: true}},
			"mailbox_database.DB1:clean_mailbox_database mailbox.users[\"alice\"]:connect_mailbox", true},
		{"mailbox_retention_drift", func() *org.Mailbox {
			m := alice()
			m.UseDatabaseRetentionDefaults, m.RetainDeletedItemsFor = ptr(false), ptr(30*day)
			return m
		}(), &org.Mailbox{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InDirectory: true, InStore: true}},
			"mailbox.users[\"alice\"]:set_mailbox", true},
		// The Exchange shell names a disconnected mailbox by display name
		// and MailboxGuid only (its alias went with its directory
		// object): matched by display_name, connected by GUID. Before,
		// nothing matched and a new, empty mailbox was made.
		{"mailbox_disconnected_by_guid", func() *org.Mailbox { m := alice(); m.DisplayName = "Alice Ångström"; return m }(),
			&org.Mailbox{DisplayName: "Alice Ångström", GUID: "5f0b7a4c-8e0e-4a2b-9b1c-1d2e3f405162", Database: `MBX01\SG1\DB1`,
				Health: &org.MailboxHealth{InStore: true, Disconnected: disconnected}},
			"mailbox.users[\"alice\"]:connect_mailbox", true},
		{"mailbox_elsewhere", alice(), &org.Mailbox{Name: "alice", Database: `MBX01\SG1\DB2`, Health: &org.MailboxHealth{InDirectory: true, InStore: true}}, "", false},
	}
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := desiredOrg(), healthyLive()
			desired.Mailboxes = []*org.Mailbox{tt.want}
			if tt.live != nil {
				live.Mailboxes = []*org.Mailbox{tt.live}
			}
			p, diags := New(desired, live, Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := ids(p); got != tt.steps {
				t.Fatalf("steps:\n got %s\nwant %s", got, tt.steps)
			}
			if tt.golden {
				var text bytes.Buffer
				WriteText(&text, p, TextOptions{})
				g.Assert(t, tt.name+".txt", text.Bytes())
			}
		})
	}
}

func TestRecoveryGroupProcedure(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withBackups(live)
	rsg := &org.RecoveryStorageGroup{Addr: org.Address{Kind: org.KindRecoveryStorageGroup, Name: "RSG"}, Name: "RSG", Server: "MBX01",
		Database: `MBX01\SG1\DB1`, LogFolderPath: `R:\RSG`, SystemFolderPath: `R:\RSG`, RemoveWhenDone: true,
		RestoreFrom:      t0.Add(time.Hour),
		RestoreMailboxes: []org.RestoreMailbox{{Mailbox: "alice", Target: "alice", TargetFolder: "Recovered Items", SubjectKeywords: []string{"budget"}}}}
	desired.RecoveryStorageGroups = []*org.RecoveryStorageGroup{rsg}
	live.Mailboxes = append(live.Mailboxes, aliceLive())
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := `recovery_storage_group.RSG:create_recovery_storage_group recovery_storage_group.RSG:create_recovery_database ` +
		`recovery_storage_group.RSG:allow_file_restore recovery_storage_group.RSG:restore_backup recovery_storage_group.RSG:hard_recovery ` +
		`recovery_storage_group.RSG:mount recovery_storage_group.RSG.restore_mailbox["alice"]:restore_mailbox recovery_storage_group.RSG:remove_recovery_storage_group`
	if got := ids(p); got != want {
		t.Fatalf("steps:\n got %s\nwant %s", got, want)
	}
	if s := p.Step("recovery_storage_group.RSG:restore_backup"); s.Args["sets"] != "F1" {
		t.Errorf("restore_from one hour after F1 chose %q, want F1 alone", s.Args["sets"])
	}
	var text bytes.Buffer
	WriteText(&text, p, TextOptions{})
	goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden")).Assert(t, "recovery_storage_group.txt", text.Bytes())

	// Done once: the merge is recorded and the group gone.
	live.Merges = []*org.Merge{{RecoveryGroup: `MBX01\RSG`, Mailbox: "alice", Target: "alice", TargetFolder: "Recovered Items",
		Filter: providers.MergeFilter(map[string]string{"subject_keywords": "budget"})}}
	if p, _ := New(desired, live, Options{}); p.Changes() {
		t.Fatalf("a finished recovery planned %s", ids(p))
	}
	// Done with other filters: done again with these.
	live.Merges[0].Filter = ""
	if p, _ := New(desired, live, Options{}); p.Step(`recovery_storage_group.RSG.restore_mailbox["alice"]:restore_mailbox`) == nil {
		t.Fatalf("a merge done without the filter counts for one with it: %s", ids(p))
	}
	live.Merges[0].Filter = providers.MergeFilter(map[string]string{"subject_keywords": "budget"})
	// With no backup before restore_from: refused at the block.
	live.Merges = nil
	rsg.RestoreFrom = t0.Add(-time.Hour)
	if _, diags := New(desired, live, Options{}); !diags.HasErrors() || diags[0].Summary != "No backup to recover from" {
		t.Fatalf("restore_from before every backup: %v", diags)
	}
}

// Exchange allows one recovery storage group per server: a leftover one
// is refused in the way (or removed first, with -remove-recovery-groups),
// and two recoveries of one plan do not both take the server's group.
func TestOneRecoveryGroupPerServer(t *testing.T) {
	configured := func() *org.RecoveryStorageGroup {
		return &org.RecoveryStorageGroup{Addr: org.Address{Kind: org.KindRecoveryStorageGroup, Name: "RSG"}, Name: "RSG", Server: "MBX01",
			Database: `MBX01\SG1\DB1`, LogFolderPath: `R:\RSG`, SystemFolderPath: `R:\RSG`,
			RestoreMailboxes: []org.RestoreMailbox{{Mailbox: "alice", Target: "alice"}}}
	}
	leftover := &org.RecoveryStorageGroup{Name: "Old RSG", Server: "MBX01", Health: &org.RecoveryHealth{DatabaseExists: true, FileExists: true}}

	t.Run("a leftover in the way", func(t *testing.T) {
		desired, live := desiredOrg(), healthyLive()
		withBackups(live)
		desired.RecoveryStorageGroups = []*org.RecoveryStorageGroup{configured()}
		live.RecoveryStorageGroups = []*org.RecoveryStorageGroup{leftover}
		p, diags := New(desired, live, Options{})
		if !diags.HasErrors() || diags[0].Summary != "One recovery storage group per server" ||
			!strings.Contains(diags[0].Detail, `MBX01\Old RSG`) || !strings.Contains(diags[0].Detail, "-remove-recovery-groups") {
			t.Fatalf("plan %s, diagnostics %v: want a refusal naming the leftover and the flag", ids(p), diags)
		}
	})
	t.Run("the leftover removed first", func(t *testing.T) {
		desired, live := desiredOrg(), healthyLive()
		withBackups(live)
		live.Mailboxes = append(live.Mailboxes, aliceLive())
		desired.RecoveryStorageGroups = []*org.RecoveryStorageGroup{configured()}
		live.RecoveryStorageGroups = []*org.RecoveryStorageGroup{leftover}
		p, diags := New(desired, live, Options{RemoveLeftoverRecoveryGroups: true})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		create := p.Step("recovery_storage_group.RSG:create_recovery_storage_group")
		remove := `recovery_storage_group MBX01\Old RSG:remove_recovery_storage_group`
		if create == nil || p.Step(remove) == nil || !slices.Contains(create.DependsOn, remove) {
			t.Fatalf("the create %+v does not wait for the removal (%s)", create, ids(p))
		}
	})
	t.Run("dial tone and a configured group on one server", func(t *testing.T) {
		desired, live := desiredOrg(), healthyLive()
		withBackups(live)
		desired.Databases[0].Recovery.DialTone = true
		desired.Objectives.RTO = org.Duration(time.Minute) // the restore does not fit: dial tone
		liveDB(live, "DB1").Health = &org.DatabaseHealth{}
		desired.RecoveryStorageGroups = []*org.RecoveryStorageGroup{configured()}
		_, diags := New(desired, live, Options{})
		if !diags.HasErrors() || diags[0].Summary != "One recovery storage group per server" {
			t.Fatalf("diagnostics %v: want the second recovery refused", diags)
		}
	})
	t.Run("an interrupted dial tone's group is its own", func(t *testing.T) {
		desired, live := desiredOrg(), healthyLive()
		withBackups(live)
		desired.Databases[0].Recovery.DialTone = true
		desired.Objectives.RTO = org.Duration(time.Minute)
		liveDB(live, "DB1").Health = &org.DatabaseHealth{}
		live.RecoveryStorageGroups = []*org.RecoveryStorageGroup{{Name: "Recovery Storage Group", Server: "MBX01", Health: &org.RecoveryHealth{}}}
		p, diags := New(desired, live, Options{RemoveLeftoverRecoveryGroups: true})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		if s := p.Step(`recovery_storage_group MBX01\Recovery Storage Group:remove_recovery_storage_group`); s != nil {
			t.Errorf("the dial tone's own group is removed as a leftover: %s", ids(p))
		}
	})
}

// aliceLive is alice's mailbox in DB1, connected: a restore_mailbox's
// target.
func aliceLive() *org.Mailbox {
	return &org.Mailbox{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InDirectory: true, InStore: true}}
}
