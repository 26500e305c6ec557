//go:build !unix && !windows

package backend

// processRuns cannot tell on this system: every holder is taken to run.
func processRuns(pid int) bool { return true }

// ProcessStart cannot be told on this system.
func ProcessStart(pid int) string { return "" }
