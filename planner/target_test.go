package planner

import (
	"strings"
	"testing"

	"github.com/exdr/exdr/org"
)

// -target scopes the whole plan, not only its steps: a refusal, a note or
// a loss about a resource outside the targets (and what they depend on)
// does not block or clutter a plan of another.
func TestTargetScopesRefusalsNotesAndLosses(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	// DB1's file is lost and it may not lose data: a refusal, if planned.
	liveDB(live, "DB1").Health = &org.DatabaseHealth{}
	liveDB(live, "DB1").Mounted = false
	// DB2 is dismounted: a mount.
	h := liveDB(live, "DB2").Health
	h.Mounted, h.State, h.LogRequired = false, org.StateClean, org.LogRange{}
	// PF1 has a bad page and may lose data: a repair with a note and a loss.
	liveDB(live, "PF1").Health.BadPages = []uint32{3}
	desired.Databases[2].Recovery.AllowDataLoss = true

	all, diags := New(desired, live, Options{})
	if !diags.HasErrors() {
		t.Fatalf("without -target DB1 must be refused or restored: %s", ids(all))
	}

	p, diags := New(desired, live, Options{Targets: []string{"mailbox_database.DB2"}})
	if diags.HasErrors() {
		t.Fatalf("a refusal outside the target blocks it: %s", diags)
	}
	if got := ids(p); got != "mailbox_database.DB2:mount" {
		t.Errorf("steps = %s, want DB2's mount", got)
	}
	for _, n := range p.Notes {
		if !strings.HasPrefix(n, "mailbox_database.DB2") {
			t.Errorf("a note about another resource: %s", n)
		}
	}
	if len(p.Losses) != 0 {
		t.Errorf("losses outside the target: %+v", p.Losses)
	}

	// A refusal about what the target itself needs still stops it.
	p, diags = New(desired, live, Options{Targets: []string{"mailbox_database.DB1"}})
	if !diags.HasErrors() {
		t.Errorf("the target's own refusal was dropped: %s", ids(p))
	}
}

// Every kind of resource can be targeted.
func TestTargetAddresses(t *testing.T) {
	desired := desiredOrg()
	withHubs(desired, healthyLive())
	got := Addresses(desired)
	for _, want := range []string{"server.MBX01", "storage_group.SG1", "mailbox_database.DB1", "public_folder_database.PF1", "queue_database.HUB01"} {
		found := false
		for _, a := range got {
			found = found || a == want
		}
		if !found {
			t.Errorf("%s is not a target address: %v", want, got)
		}
	}
}

// Targeting a resource takes what it lives in (its dependencies, as
// Terraform's -target does): a mailbox's database dismounted is mounted
// for it; a plan with nothing to do says only the targets match.
func TestTargetTakesWhatItLivesIn(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	desired.Mailboxes = []*org.Mailbox{{Addr: addr(org.KindMailbox, "alice"), Name: "alice", Database: `MBX01\SG1\DB1`}}
	live.Mailboxes = []*org.Mailbox{{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InDirectory: true, InStore: true}}}
	h := liveDB(live, "DB1").Health
	h.Mounted, h.State, h.LogRequired = false, org.StateClean, org.LogRange{}
	p, diags := New(desired, live, Options{Targets: []string{"mailbox.alice"}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := ids(p); got != "mailbox_database.DB1:mount" {
		t.Errorf("steps = %q, want the mount of alice's database", got)
	}
	h.Mounted, h.State = true, org.StateDirty
	p, _ = New(desired, live, Options{Targets: []string{"mailbox.alice"}})
	if p.Changes() || !strings.Contains(p.NoChanges(), "targeted resources (mailbox.alice) match") || strings.Contains(p.NoChanges(), "organization matches") {
		t.Errorf("no changes under -target says %q", p.NoChanges())
	}
}
