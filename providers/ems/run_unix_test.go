//go:build unix

package ems

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
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

// The shell is given the script whole: the bootstrap as its command and
// the script, encoded, on stdin. Piped to powershell.exe -Command -, the
// script ran one statement at a time as if typed at a prompt, and the
// preamble's multi-line if swallowed the rest: every step "succeeded"
// with exit 0, having done nothing (ems review). Fails on the old code:
// the shell was started with -Command -.
func TestRunGivesTheShellTheScriptWhole(t *testing.T) {
	dir := t.TempDir()
	shell := filepath.Join(dir, "powershell")
	sh := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$0.args\"\ncat > \"$0.stdin\"\n"
	if err := os.WriteFile(shell, []byte(sh), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "$ErrorActionPreference = 'Stop'\nif ($true) {\n  Set-Mailbox -Identity 'O’Brien' -DisplayName 'Jürgen Ö'\n}\n"
	if _, _, exit, err := (PowerShell{Path: shell}).Run(context.Background(), script); err != nil || exit != 0 {
		t.Fatalf("Run: exit %d, %v", exit, err)
	}
	args, err := os.ReadFile(shell + ".args")
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := os.ReadFile(shell + ".stdin")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range stdin {
		if b >= 0x80 {
			t.Fatalf("stdin holds byte %#x: the console's code page would decode it", b)
		}
	}
	got, err := DecodeInvocation(strings.Split(strings.TrimSuffix(string(args), "\n"), "\n"), stdin)
	if err != nil {
		t.Fatal(err)
	}
	if got != script {
		t.Errorf("the shell runs\n%s\nwant\n%s", got, script)
	}
}
