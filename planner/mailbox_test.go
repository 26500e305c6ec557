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
