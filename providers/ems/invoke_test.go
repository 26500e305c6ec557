package ems

import (
	"strings"
	"testing"
)

// The loader runs a script only when it arrived whole: input cut at a
// line (still valid base64) or none at all ran part of the script, or
// nothing, with exit 0 (review).
func TestInputCutShortIsRefused(t *testing.T) {
	script := strings.Repeat("Set-Mailbox -Identity 'alice' -DisplayName 'Alice'\n", 20)
	in := EncodeInput(script)
	if got, err := DecodeInvocation(ShellArgs(), []byte(in)); err != nil || got != script {
		t.Fatalf("whole input: %q, %v", got, err)
	}
	lines := strings.SplitAfter(in, "\r\n")
	for _, cut := range []string{"", strings.Join(lines[:len(lines)/2], "")} {
		if _, err := DecodeInvocation(ShellArgs(), []byte(cut)); err == nil || !strings.Contains(err.Error(), "did not arrive whole") {
			t.Errorf("input cut to %d bytes: %v, want it refused", len(cut), err)
		}
	}
	if !strings.Contains(Bootstrap, endLine) {
		t.Error("the loader does not check the end line")
	}
}

// A failed script's message says what it printed: CliXML error records,
// a plain line on stderr, the first line of stdout, or that it printed
// nothing (it said "the script failed (exit 1): " and stopped there;
// adversarial review).
func TestFailureSaysWhatTheScriptPrinted(t *testing.T) {
	for _, tc := range []struct{ stderr, stdout, want string }{
		{"powershell.exe: cannot open\r\n", "", "powershell.exe: cannot open"},
		{"", "step output\nmore", "step output"},
		{"", "", "it printed nothing"},
	} {
		if got := failure(tc.stderr, tc.stdout); !strings.Contains(got, tc.want) {
			t.Errorf("failure(%q, %q) = %q, want %q", tc.stderr, tc.stdout, got, tc.want)
		}
	}
}
