//go:build unix

package backend

import (
	"os"
	"testing"
)

// A lock whose PID now belongs to a later process (PID namespaces, long
// uptimes reuse PIDs) is a dead holder's: its start time differs. The
// lock looked held by a running process, with no hint to force-unlock.
func TestReusedPIDIsNotTheHolder(t *testing.T) {
	start := ProcessStart(os.Getpid())
	if start == "" {
		t.Skip("this system does not say when a process started")
	}
	host, _ := os.Hostname()
	self := LockInfo{Host: host, PID: os.Getpid(), PIDStart: start}
	if gone(self) {
		t.Error("the running holder is taken for gone")
	}
	reused := self
	reused.PIDStart = "1" // a process of this PID that started at boot
	if !gone(reused) {
		t.Error("a later process with the holder's PID is taken for the holder")
	}
	old := self
	old.PIDStart = "" // a lock written before start times were kept
	if gone(old) {
		t.Error("a lock without a start time, its PID running, is taken for gone")
	}
}
