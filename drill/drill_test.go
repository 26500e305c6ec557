package drill

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab"
)

// Run, end to end on the quickstart, with no lab: each drill builds the
// organization first. The verdicts come from counting items.
func TestRunQuickstartDrills(t *testing.T) {
	cfg, diags := lang.LoadDir(filepath.Join("..", "examples", "quickstart"), lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	extra := &org.Drill{Name: "logs_and_server", Expect: org.DrillExpect{ItemsBack: true},
		Before: []org.DrillAction{
			{Kind: "traffic", Args: map[string]string{"mailboxes": "1", "items": "4"}},
			{Kind: "backup", Args: map[string]string{}},
			{Kind: "traffic", Args: map[string]string{"mailboxes": "1", "items": "2"}},
		},
		Disaster: []org.DrillAction{{Kind: "lose_server", Args: map[string]string{"server": "MBX02"}}},
	}
	purged := &org.Drill{Name: "items_purged", Expect: org.DrillExpect{ItemsBack: true},
		Before: []org.DrillAction{{Kind: "traffic", Args: map[string]string{"mailboxes": "1", "items": "5"}}},
		Disaster: []org.DrillAction{
			{Kind: "delete_items", Args: map[string]string{"mailbox": "db1-user001", "count": "3"}},
			{Kind: "clock", Args: map[string]string{"advance": "15d"}},
		},
	}
	// No backup: the plan is refused. The report counts what the
	// disaster left (it said 0 after, and the summary "20 of 20 back").
	refused := &org.Drill{Name: "refused_plan",
		Before:   []org.DrillAction{{Kind: "traffic", Args: map[string]string{"mailboxes": "1", "items": "5"}}},
		Disaster: []org.DrillAction{{Kind: "delete_database", Args: map[string]string{"database": "mailbox_database.DB1"}}},
	}
	// DB1 dismounted for maintenance, then lost with no backup: its 5
	// items are gone, written within the recovery point objective (a
	// pass that names them). The census before counted only mounted
	// databases: 15 of 15 back, "nothing lost" (adversarial review).
	dismountedLost := &org.Drill{Name: "dismounted_lost", AllowDataLoss: true,
		Before: []org.DrillAction{
			{Kind: "traffic", Args: map[string]string{"mailboxes": "1", "items": "5"}},
			{Kind: "dismount", Args: map[string]string{"database": "mailbox_database.DB1"}},
		},
		Disaster: []org.DrillAction{{Kind: "delete_database", Args: map[string]string{"database": "mailbox_database.DB1"}}},
	}
	tests := []struct {
		drill         *org.Drill
		verdict       string
		before, after int
	}{
		{cfg.Drills[0], "pass", 40, 40},
		{cfg.Drills[1], "pass", 64, 64},
		// DB1 is dismounted before the disaster: its 20 messages wait on
		// HUB01, uncounted as items, and arrive with the recovery.
		{cfg.Drills[2], "pass", 60, 80},
		// Deleted past DB1's 14-day retention, with no recovery storage
		// group declared: 3 items are gone, and the report says which.
		{purged, "fail", 20, 17},
		// MBX02's two mailbox databases lose the mail after the backup
		// with the server's logs: 2 items in each.
		{extra, "fail", 24, 20},
		{refused, "fail", 20, 15},
		{dismountedLost, "pass", 20, 15},
	}
	for _, tt := range tests {
		t.Run(tt.drill.Name, func(t *testing.T) {
			rep, err := Run(context.Background(), cfg.Org, filepath.Join(t.TempDir(), "none"), tt.drill, Options{Work: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if tt.drill.Name == "hub_crash" && (rep.MessagesQueued != 20 || len(rep.MessagesLost) != 0) {
				t.Errorf("hub_crash: %d messages queued, %d lost; want 20, 0", rep.MessagesQueued, len(rep.MessagesLost))
			}
			if rep.Verdict != tt.verdict || rep.ItemsBefore != tt.before || rep.ItemsAfter != tt.after || len(rep.Lost) != max(0, tt.before-tt.after) {
				t.Errorf("verdict %s, items %d -> %d, %d lost (%v); want %s, %d -> %d", rep.Verdict, rep.ItemsBefore, rep.ItemsAfter, len(rep.Lost), rep.Reasons, tt.verdict, tt.before, tt.after)
			}
			if rep.Converged == (tt.drill == refused) || rep.BuiltSteps != 24 {
				t.Errorf("converged %v, built in %d steps; want %v, 24", rep.Converged, rep.BuiltSteps, tt.drill != refused)
			}
		})
	}
}

// Mail from the Internet that an Edge queued for a hub that was down is
// lost with the Edge: the drill counts it (it was not counted, and the
// drill passed, when the census after the disaster came after the Edge
// was gone).
func TestInboundLostWithTheEdgeIsCounted(t *testing.T) {
	cfg, diags := lang.LoadDir(filepath.Join("..", "examples", "edge"), lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	dr := &org.Drill{Name: "edge_lost_with_inbound", Expect: org.DrillExpect{MessagesDelivered: true},
		Disaster: []org.DrillAction{
			{Kind: "crash", Args: map[string]string{"server": "HUB01"}},
			{Kind: "inbound", Args: map[string]string{"mailboxes": "2", "count": "4"}},
			{Kind: "lose_server", Args: map[string]string{"server": "EDGE01"}},
			// More mail while EDGE01 is down: numbered after what was
			// lost, never as the lost messages again (it was, and the
			// drill counted the new ones as the lost ones delivered).
			{Kind: "inbound", Args: map[string]string{"mailboxes": "2", "count": "4"}},
		},
	}
	rep, err := Run(context.Background(), cfg.Org, filepath.Join(t.TempDir(), "none"), dr, Options{Work: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// 16 distinct messages: the second burst is not numbered as the
	// lost first one (counted by subject, it would make 8). The example
	// declares no queue database, so nothing starts HUB01's transport
	// again and the second burst waits on the rebuilt EDGE01: lost too,
	// as far as the drill can tell.
	if rep.Verdict != "fail" || rep.MessagesQueued != 16 || len(rep.MessagesLost) < 8 {
		t.Errorf("verdict %s, %d queued, %d lost (%v); want fail, 16, at least 8", rep.Verdict, rep.MessagesQueued, len(rep.MessagesLost), rep.Reasons)
	}
	if len(rep.PlannedLosses) == 0 {
		t.Error("the plan stated no loss for an Edge lost with its queue")
	}
	if got := rep.rpo(); strings.HasPrefix(got, "0s") || !strings.Contains(got, "lost") {
		t.Errorf("the report's recovery point reads %q for %d lost messages", got, len(rep.MessagesLost))
	}
}

// A database with a bad page cannot be counted before the disaster: the
// drill stops and says so. It counted the database as holding nothing,
// and a drill that lost all of its items passed (adversarial review).
func TestUncountableDatabaseStopsTheDrill(t *testing.T) {
	cfg, diags := lang.LoadDir(filepath.Join("..", "examples", "quickstart"), lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	root := filepath.Join(t.TempDir(), "lab")
	l := lab.New(root, cfg.Org.Name)
	ctx := context.Background()
	if _, err := build(ctx, l, cfg.Org); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: 2, Items: 5, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := inflict(ctx, l, cfg.Org, org.DrillAction{Kind: "corrupt_page", Args: map[string]string{"database": "mailbox_database.DB2", "page": "3"}}); err != nil {
		t.Fatal(err)
	}
	dr := &org.Drill{Name: "db2_lost", AllowDataLoss: true,
		Disaster: []org.DrillAction{{Kind: "delete_database", Args: map[string]string{"database": "mailbox_database.DB2"}}}}
	rep, err := Run(ctx, cfg.Org, root, dr, Options{Work: filepath.Join(t.TempDir(), "work")})
	if err == nil || !strings.Contains(err.Error(), "mailbox_database.DB2 cannot be counted") {
		t.Fatalf("drill: %v, %+v; want it stopped, DB2 named", err, rep)
	}
}

// A drill's report names no sensitive value: a database named from a
// sensitive variable was printed in its users-back identities and
// planned losses (adversarial review).
func TestReportRedactsSecrets(t *testing.T) {
	cfg, diags := lang.LoadDir(filepath.Join("..", "examples", "quickstart"), lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, db := range cfg.Org.Databases {
		if db.Name == "DB1" {
			db.Decl.Secrets = append(db.Decl.Secrets, "MBX01\\SG1\\DB1", "db1-user001")
		}
	}
	dr := &org.Drill{Name: "lost", AllowDataLoss: true,
		Before:   []org.DrillAction{{Kind: "traffic", Args: map[string]string{"mailboxes": "1", "items": "3"}}},
		Disaster: []org.DrillAction{{Kind: "delete_database", Args: map[string]string{"database": "mailbox_database.DB1"}}}}
	rep, err := Run(context.Background(), cfg.Org, filepath.Join(t.TempDir(), "none"), dr, Options{Work: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "db1-user001") || strings.Contains(b.String(), `MBX01\SG1\DB1`) || len(rep.Lost) == 0 {
		t.Errorf("%d lost; the report names a secret:\n%s", len(rep.Lost), b.String())
	}
}
