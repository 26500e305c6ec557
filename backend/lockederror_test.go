package backend

import (
	"strings"
	"testing"
	"time"
)

// A lock file written by hand with only an ID said "locked by  for
// since 0001-01-01T00:00:00Z"; what it leaves out is said so.
func TestLockedErrorSaysWhatTheFileLeavesOut(t *testing.T) {
	got := (&LockedError{Info: LockInfo{ID: "abc"}}).Error()
	for _, bad := range []string{"by  for", "0001-01-01"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q", got)
		}
	}
	full := (&LockedError{Info: LockInfo{ID: "abc", Holder: "root@vm (pid 1)", Operation: "apply", Created: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}}).Error()
	if want := "the organization is locked by root@vm (pid 1) for apply since 2026-12-06T00:00:00Z (lock ID abc)"; full != want {
		t.Errorf("%q, want %q", full, want)
	}
}
