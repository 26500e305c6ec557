package planner

import (
	"testing"

	"github.com/exdr/exdr/providers"
)

func TestRedact(t *testing.T) {
	r := newRedactor([]string{"20d", "20.00:00:00", "O'Brien", "7", "E", "E:\\Secret", "Payroll"})
	for _, tc := range []struct{ in, want string }{
		{"deleted_item_retention → 20.00:00:00", "deleted_item_retention → (sensitive)"},
		{"-DeletedItemRetention '20.00:00:00'", "-DeletedItemRetention '(sensitive)'"},
		{"retention 20d, not 120d or 20days", "retention (sensitive), not 120d or 20days"},
		{"-Identity 'O''Brien'", "-Identity '(sensitive)'"},
		{"O'Brien's mailbox", "(sensitive)'s mailbox"},
		{"7 of 17 items, 7", "7 of 17 items, 7"}, // too short to hide anything
		{`E:\Exchange\SG1\DB1.edb`, `E:\Exchange\SG1\DB1.edb`},
		{`MBX01\SG1\Payroll`, `MBX01\SG1\(sensitive)`},
		{`-EdbFilePath 'E:\Secret\DB1.edb'`, `-EdbFilePath '(sensitive)\DB1.edb'`},
		{"nothing here", "nothing here"},
	} {
		if got := r.redact(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Redacted leaves the plan it is given as it is: its steps run with the
// real values.
func TestRedactedCopies(t *testing.T) {
	p := &Plan{Secrets: []string{"hunter2"}, Steps: []*providers.Step{{ID: "a", Reason: "x hunter2", Command: "Set-X 'hunter2'", Args: map[string]string{"v": "hunter2"}}},
		Notes: []string{"hunter2 noted"}, Losses: []Loss{{What: "hunter2 lost"}}}
	r := p.Redacted()
	if s := r.Steps[0]; s.Reason != "x (sensitive)" || s.Command != "Set-X '(sensitive)'" || s.Args["v"] != "(sensitive)" || r.Notes[0] != "(sensitive) noted" || r.Losses[0].What != "(sensitive) lost" {
		t.Errorf("redacted: %+v %v %v", *s, r.Notes, r.Losses)
	}
	if s := p.Steps[0]; s.Reason != "x hunter2" || s.Args["v"] != "hunter2" || p.Notes[0] != "hunter2 noted" {
		t.Errorf("the plan itself changed: %+v", *s)
	}
}
