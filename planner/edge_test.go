package planner

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

func TestOffSetupDrive(t *testing.T) {
	tests := []struct {
		name  string
		paths map[string]string
		want  string
	}{
		{"none", nil, ""},
		{"all on C:", map[string]string{"PickupDirectoryPath": `C:\Pickup`, "MessageTrackingLogPath": `c:\Logs`}, ""},
		{"relative or UNC paths are not drives", map[string]string{"PickupDirectoryPath": `\\fs\share`}, ""},
		{"sorted by setting", map[string]string{"SendProtocolLogPath": `E:\Send`, "MessageTrackingLogPath": `F:\Logs`, "PickupDirectoryPath": `C:\Pickup`},
			`; outside C: the export has MessageTrackingLogPath F:\Logs, SendProtocolLogPath E:\Send, each set to its default if the server has no such drive`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := offSetupDrive(tt.paths); got != tt.want {
				t.Errorf("offSetupDrive(%v) = %q, want %q", tt.paths, got, tt.want)
			}
		})
	}
}

// withEdge adds EDGE01 to a desired organization, its export on F: for
// message tracking; lost says whether the live one is gone.
func withEdge(d *org.Org, live *org.Org, missing bool) {
	s := &org.Server{Addr: addr(org.KindServer, "EDGE01"), Name: "EDGE01", Roles: org.Roles(org.RoleEdgeTransport), Edition: org.EditionStandard,
		Edge: &org.EdgeSettings{ClonedConfig: "edge/EDGE01.xml", File: "/cfg/edge/EDGE01.xml", Missing: missing, ConfigHash: "abc",
			Paths: map[string]string{"MessageTrackingLogPath": `F:\Logs`, "PickupDirectoryPath": `C:\Pickup`},
			Range: hcl.Range{Filename: "main.exdr.hcl", Start: hcl.Pos{Line: 20, Column: 3}}}}
	d.Servers = append(d.Servers, s)
	live.Servers = append(live.Servers, &org.Server{Name: "EDGE01", Roles: s.Roles, Edition: s.Edition, Health: &org.ServerHealth{},
		Edge: &org.EdgeSettings{Subscribed: true}})
}

func TestEdgeServerLost(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withEdge(desired, live, false)
	p, diags := New(desired, live, Options{})
	goldenText(t, "edge_lost", accepted(t, p, diags,
		"server.EDGE01:create_server server.EDGE01:validate_edge_config server.EDGE01:import_edge_config server.EDGE01:subscribe_edge"))
}

func TestEdgeServerLostWithoutItsExport(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withEdge(desired, live, true)
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || diags[0].Summary != "Cloned configuration missing" || diags[0].Subject == nil || diags[0].Subject.Start.Line != 20 {
		t.Fatalf("got %v, want a refusal on the edge block (line 20) for the missing export", diags)
	}
}

// A running Edge server that differs from its export is left alone (a
// note) unless it runs a fresh install's defaults, which an import
// replaces without losing anything.
func TestEdgeDrift(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fresh bool
		steps string
		note  string
	}{
		{"customised since the export", false, "", "differs from the cloned configuration"},
		{"fresh install", true, "server.EDGE01:validate_edge_config server.EDGE01:import_edge_config server.EDGE01:subscribe_edge", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := desiredOrg(), healthyLive()
			withEdge(desired, live, false)
			edge := live.Servers[len(live.Servers)-1]
			edge.Health.Up = true
			edge.Edge.ConfigHash, edge.Edge.Fresh = "def", tt.fresh
			p, diags := New(desired, live, Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := ids(p); got != tt.steps {
				t.Errorf("steps:\n got %s\nwant %s", got, tt.steps)
			}
			if got := strings.Join(p.Notes, "\n"); tt.note != "" && !strings.Contains(got, tt.note) {
				t.Errorf("notes %q, want one containing %q", got, tt.note)
			}
		})
	}
}

// An Edge server whose subscription could not be read is subscribed
// again, and the plan says why, instead of claiming it is not subscribed.
func TestEdgeSubscriptionUnknownIsSaid(t *testing.T) {
	desired := &org.Org{Name: "Contoso", Servers: []*org.Server{
		{Addr: addr(org.KindServer, "HUB01"), Name: "HUB01", Roles: org.Roles(org.RoleHubTransport), Site: "HQ"},
		{Addr: addr(org.KindServer, "EDGE01"), Name: "EDGE01", Roles: org.Roles(org.RoleEdgeTransport), Edge: &org.EdgeSettings{ClonedConfig: "edge/EDGE01.xml", Missing: true}}}}
	live := &org.Org{Name: "Contoso", Servers: []*org.Server{
		{Name: "HUB01", Roles: org.Roles(org.RoleHubTransport), Site: "HQ", Health: &org.ServerHealth{Up: true}},
		{Name: "EDGE01", Roles: org.Roles(org.RoleEdgeTransport), Health: &org.ServerHealth{Up: true},
			Edge: &org.EdgeSettings{SubscriptionUnknown: "Get-EdgeSubscription failed: access denied"}}}}
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	s := p.Step(providers.StepID("server.EDGE01", providers.VerbSubscribeEdge))
	if s == nil || !strings.Contains(s.Reason, "whether EDGE01 is subscribed could not be read (Get-EdgeSubscription failed: access denied)") {
		t.Fatalf("subscribe step %+v", s)
	}
}
