package command

import "testing"

// The command is found past the flags before it and their values, for
// the collector's setting (tuneGC).
func TestCommandName(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"apply", "-auto-approve", "."}, "apply"},
		{[]string{"-chdir=/x", "drill"}, "drill"},
		{[]string{"-chdir", "/x", "apply"}, "apply"},
		{[]string{"plan", "apply"}, "plan"}, // a folder named apply
		{[]string{"-no-color"}, ""},
	} {
		if got := commandName(tc.args); got != tc.want {
			t.Errorf("commandName(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}
