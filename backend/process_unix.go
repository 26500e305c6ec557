//go:build unix

package backend

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// processRuns reports whether a process with the PID exists on this host.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM) // EPERM: it runs, as someone else
}

// ProcessStart is when the process with the PID started, as the system
// keeps it (Linux: its start time in clock ticks since boot, from
// /proc/PID/stat), to tell it from a later process given the same PID;
// "" when it cannot be told.
func ProcessStart(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name, field 2, is in parentheses and may hold spaces
	// and parentheses itself: the fields after the last ")" are counted.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return ""
	}
	fields := strings.Fields(string(b[i+1:]))
	const startTime = 22 - 3 // field 22; the first after ")" is field 3
	if len(fields) <= startTime {
		return ""
	}
	return fields[startTime]
}
