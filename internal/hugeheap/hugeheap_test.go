package hugeheap

import "testing"

func TestDisabled(t *testing.T) {
	for _, tc := range []struct {
		godebug string
		want    bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"disablethp=0", false},
		{"gctrace=1,disablethp=1", true},
		{"disablethp=1,disablethp=0", false}, // the later setting wins
		{"disablethp=0,disablethp=2", true},
		{"disablethp=1,disablethp=x", true}, // not a number: the earlier stands
		{" disablethp=1", false},            // the runtime does not trim names either
		{"xdisablethp=1", false},
		{"disablethp", false},
	} {
		if got := Disabled(tc.godebug); got != tc.want {
			t.Errorf("Disabled(%q) = %v, want %v", tc.godebug, got, tc.want)
		}
	}
}

func TestMode(t *testing.T) {
	for _, tc := range []struct{ enabled, want string }{
		{"always [madvise] never\n", "madvise"},
		{"[always] madvise never\n", "always"},
		{"always madvise [never]\n", "never"},
		{"always madvise never", ""},
		{"[", ""},
		{"", ""},
	} {
		if got := mode(tc.enabled); got != tc.want {
			t.Errorf("mode(%q) = %q, want %q", tc.enabled, got, tc.want)
		}
	}
}
