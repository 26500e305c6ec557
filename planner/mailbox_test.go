package planner

import (
	"bytes"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/org"
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
	live.Merges = []*org.Merge{{RecoveryGroup: `MBX01\RSG`, Mailbox: "alice", Target: "alice", TargetFolder: "Recovered Items"}}
	if p, _ := New(desired, live, Options{}); p.Changes() {
		t.Fatalf("a finished recovery planned %s", ids(p))
	}
	// With no backup before restore_from: refused at the block.
	live.Merges = nil
	rsg.RestoreFrom = t0.Add(-time.Hour)
	if _, diags := New(desired, live, Options{}); !diags.HasErrors() || diags[0].Summary != "No backup to recover from" {
		t.Fatalf("restore_from before every backup: %v", diags)
	}
}
