package planner

import (
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// Redacted leaves the plan it is given as it is: its steps run with the
// real values.
func TestRedactedCopies(t *testing.T) {
	p := &Plan{Organization: "hunter2 Corp", Secrets: []string{"hunter2"}, Steps: []*providers.Step{{ID: "a", Reason: "x hunter2", Command: "Set-X 'hunter2'", Args: map[string]string{"v": "hunter2"}}},
		Notes: []string{"hunter2 noted"}, Losses: []Loss{{What: "hunter2 lost"}}}
	r := p.Redacted()
	if r.Organization != "(sensitive) Corp" {
		t.Errorf("organization %q", r.Organization)
	}
	if s := r.Steps[0]; s.Reason != "x (sensitive)" || s.Command != "Set-X '(sensitive)'" || s.Args["v"] != "(sensitive)" || r.Notes[0] != "(sensitive) noted" || r.Losses[0].What != "(sensitive) lost" {
		t.Errorf("redacted: %+v %v %v", *s, r.Notes, r.Losses)
	}
	if s := p.Steps[0]; s.Reason != "x hunter2" || s.Args["v"] != "hunter2" || p.Notes[0] != "hunter2 noted" {
		t.Errorf("the plan itself changed: %+v", *s)
	}
}

// A plan file keeps the secrets anything it holds names, a note's too:
// show redacts them as plan does (it kept only the steps'; review).
func TestFileKeepsEverySecretItHolds(t *testing.T) {
	p := &Plan{Secrets: []string{`E:\Hidden`, "unused-secret"}, Notes: []string{`mailbox_database.DB1: no usable backup of E:\Hidden`}, Facts: map[string]org.Facts{}}
	if got := secretsInSteps(p); len(got) != 1 || got[0] != `E:\Hidden` {
		t.Errorf("kept %v, want the note's secret only", got)
	}
}
