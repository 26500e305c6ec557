package command

import (
	"runtime/debug"
	"testing"

	"github.com/exdr/exdr/internal/memlimit"
)

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

func TestGCLimit(t *testing.T) {
	for _, tc := range []struct{ available, want int64 }{
		{0, 1 << 30},
		{-1, 1 << 30},
		{24 << 30, 12 << 30},
		{1 << 30, 512 << 20},
	} {
		if got := gcLimit(tc.available); got != tc.want {
			t.Errorf("gcLimit(%d) = %d, want %d", tc.available, got, tc.want)
		}
	}
}

// The soft limit tuneGC sets follows the machine: on one with more than
// 2 GiB it is above 1 GiB, which a parse of 100,000 databases holds live
// (a fixed 1 GiB made that parse twice as slow).
func TestTuneGCFollowsTheMachine(t *testing.T) {
	available := memlimit.Available()
	if available <= 2<<30 {
		t.Skipf("this machine has %d bytes", available)
	}
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	tuneGC()
	if got := debug.SetMemoryLimit(-1); got != available/2 {
		t.Errorf("soft limit %d bytes, want half of %d", got, available)
	}
}
