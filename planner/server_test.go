package planner

import (
	"strings"
	"testing"

	"github.com/exdr/exdr/org"
)

// A server missing from the directory is built when nothing shows it ever
// existed, and refused when mailboxes or backups still name it.
func TestServerMissingFromDirectory(t *testing.T) {
	for _, tt := range []struct {
		name    string
		live    func(o *org.Org)
		refused string
	}{
		{"never built", func(*org.Org) {}, ""},
		{"a mailbox homed on it", func(o *org.Org) {
			o.Mailboxes = []*org.Mailbox{{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InDirectory: true}}}
		}, "1 mailbox is homed on its databases"},
		{"a mailbox homed elsewhere", func(o *org.Org) {
			o.Mailboxes = []*org.Mailbox{{Name: "alice", Database: `MBX010\SG1\DB1`, Health: &org.MailboxHealth{InDirectory: true}}}
		}, ""},
		{"backups of its storage groups", func(o *org.Org) {
			o.Backups = []*org.BackupSet{{ID: "a", StorageGroup: `MBX01\SG1`}, {ID: "b", StorageGroup: `mbx01\SG2`}}
		}, "the backup catalog holds 2 sets of its storage groups"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			live := &org.Org{Name: "Contoso"}
			tt.live(live)
			p, diags := New(desiredOrg(), live, Options{AllowDataLoss: true})
			if tt.refused == "" {
				if diags.HasErrors() || !strings.HasPrefix(ids(p), "server.MBX01:create_server") {
					t.Fatalf("got %s / %v, want a fresh build", ids(p), diags)
				}
				return
			}
			if !diags.HasErrors() || diags[0].Summary != "Server missing from Active Directory" || !strings.Contains(diags[0].Detail, tt.refused) {
				t.Fatalf("got %v, want a refusal saying %q", diags, tt.refused)
			}
		})
	}
}

// Setup that did not finish (its watermark left) is run again, before
// anything on the server; an Edge server whose first install was cut short
// is not a rebuild: no export is needed to finish it.
func TestSetupIncompleteResumes(t *testing.T) {
	t.Run("mailbox server", func(t *testing.T) {
		desired, live := desiredOrg(), healthyLive()
		live.Servers[0].Health.SetupIncomplete = true
		liveDB(live, "DB1").Health.Mounted = false
		liveDB(live, "DB1").Health.State = org.StateClean
		p, diags := New(desired, live, Options{})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		if got := ids(p); got != "server.MBX01:create_server mailbox_database.DB1:mount" {
			t.Errorf("steps = %s", got)
		}
		if s := p.Step("server.MBX01:create_server"); s == nil || !strings.Contains(s.Reason, "Setup did not finish") {
			t.Errorf("the step does not say why: %+v", s)
		}
		if m := p.Step("mailbox_database.DB1:mount"); m == nil || len(m.DependsOn) == 0 {
			t.Errorf("the mount does not wait for Setup: %+v", m)
		}
	})
	t.Run("edge, first install, no export", func(t *testing.T) {
		desired, live := desiredOrg(), healthyLive()
		withEdge(desired, live, true)
		edge := live.Servers[len(live.Servers)-1]
		edge.Health = &org.ServerHealth{Up: true, SetupIncomplete: true}
		edge.Edge = &org.EdgeSettings{Fresh: true}
		p, diags := New(desired, live, Options{})
		if diags.HasErrors() {
			t.Fatalf("refused: %v", diags)
		}
		if got := ids(p); got != "server.EDGE01:create_server server.EDGE01:subscribe_edge" {
			t.Errorf("steps = %s", got)
		}
	})
}

// A server that does not answer the Exchange Management Shell: whether
// its disks survive cannot be read, and the plan does not say they are
// gone, nor that its queue went with them.
func TestServerNotAnsweringWithDisksUnknown(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	live.Servers[0].Health.Up = false
	live.Servers[0].Health.DisksUnknown = true
	p, _ := New(desired, live, Options{AllowDataLoss: true})
	var reason string
	for _, s := range p.Steps {
		if s.Verb == "create_server" {
			reason = s.Reason
		}
	}
	if reason == "" {
		t.Fatalf("no rebuild planned: %s", ids(p))
	}
	if strings.Contains(reason, "its disks are gone") || !strings.Contains(reason, "cannot be read") {
		t.Errorf("the rebuild's reason claims what the read cannot know: %q", reason)
	}
	for _, n := range p.Notes {
		if strings.Contains(n, "went with its disks") {
			t.Errorf("a note claims what the read cannot know: %q", n)
		}
	}
}
