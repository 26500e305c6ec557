//go:build unix

package ems

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A shell that hangs, with a process of its own holding its output open,
// gives way when the run is stopped: Run waited for the grandchild, and
// a plan stayed deaf to Ctrl-C with the lock held (adversarial review).
func TestRunStopsAHungShell(t *testing.T) {
	shell := filepath.Join(t.TempDir(), "powershell")
	if err := os.WriteFile(shell, []byte("#!/bin/sh\nsleep 30 &\nsleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, _, err := PowerShell{Path: shell}.Run(ctx, "Get-ExchangeServer")
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("Run returned %s after the stop", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the stop named", err)
	}
}
