package redact

import "testing"

func TestRedact(t *testing.T) {
	r := New([]string{"20d", "20.00:00:00", "O'Brien", "7", "E", "E:\\Secret", "Payroll"})
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
		if got := r.Redact(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
