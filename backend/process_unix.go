//go:build unix

package backend

import (
	"errors"
	"syscall"
)

// processRuns reports whether a process with the PID exists on this host.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM) // EPERM: it runs, as someone else
}
