package command

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/providers"
)

// runIn runs exdr in-process with the given arguments and returns its
// exit code and outputs.
func runIn(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	s := &streams{stdin: bytes.NewReader(nil), stdout: &out, stderr: &errOut}
	code := runCommand(context.Background(), args, s)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	unformatted := filepath.Join(t.TempDir(), "u.exdr.hcl")
	if err := os.WriteFile(unformatted, []byte("a=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"valid", []string{"validate", "../../examples/quickstart"}, exitOK},
		{"invalid", []string{"validate", "../../testdata/errors/unknown_role.exdr.hcl"}, exitError},
		{"fmt -check on a formatted file", []string{"fmt", "-check", "../../examples/quickstart"}, exitOK},
		{"fmt -check on an unformatted file", []string{"fmt", "-check", unformatted}, exitFormat},
		{"help flag", []string{"validate", "-h"}, exitOK},
		{"bad flag", []string{"validate", "-nope"}, exitError},
		{"unknown command", []string{"nope"}, exitError},
		{"no command", nil, exitError},
		{"version", []string{"-version"}, exitOK},
		{"edge without export", []string{"edge"}, exitError},
		{"edge help", []string{"help", "edge"}, exitOK},
		{"edge unknown subcommand", []string{"edge", "import"}, exitError},
		{"edge export of a server with no edge block", []string{"edge", "export", "../../examples/quickstart", "MBX01"}, exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, stderr := runIn(t, tt.args...); code != tt.want {
				t.Errorf("exdr %v exited %d, want %d; stderr:\n%s", tt.args, code, tt.want, stderr)
			}
		})
	}
}

func TestGoldenRenderings(t *testing.T) {
	// From the repository's root, as a user runs exdr: the renderings
	// name the files as given.
	t.Chdir(filepath.Join("..", ".."))
	g := goldie.New(t, goldie.WithFixtureDir("testdata/cli"))
	tests := []struct {
		name string
		args []string
	}{
		{"usage", []string{"help"}},
		{"validate_json_many_errors", []string{"validate", "-json", "testdata/errors/many_errors.exdr.hcl"}},
		{"validate_json_valid", []string{"validate", "-json", "examples/quickstart"}},
		{"validate_text_many_errors", []string{"validate", "-no-color", "testdata/errors/many_errors.exdr.hcl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stdout, stderr := runIn(t, tt.args...)
			g.Assert(t, tt.name, []byte(stdout+stderr))
		})
	}
}

func TestProgressLines(t *testing.T) {
	tests := []struct {
		done, total int64
		unit        string
		want        string
	}{
		{512 << 20, 2 << 30, "bytes", "512MB of 2GB (25%, 256MB/s, 6s left)"},
		{2 << 30, 2 << 30, "bytes", "2GB of 2GB (100%, 1GB/s)"},
		{512 << 20, 0, "bytes", "512MB (256MB/s)"},
		{3, 12, "generations", "generation 3 of 12 (6s left)"},
		{3, 0, "generations", "generation 3"},
		{3, 12, "pages", "3 of 12 pages (6s left)"},
		{0, 12, "pages", "0 of 12 pages"},
		{1, 0, "pages", "1 page"},
		{2, 0, "pages", "2 pages"},
	}
	for _, tt := range tests {
		if got := amount(tt.done, tt.total, tt.unit, 2*time.Second); got != tt.want {
			t.Errorf("amount(%d, %d, %s) = %q, want %q", tt.done, tt.total, tt.unit, got, tt.want)
		}
	}
	var out bytes.Buffer
	old := progressInterval
	progressInterval = 0
	defer func() { progressInterval = old }()
	v := newProgressView(&streams{stdout: &out}, 1)
	v.progress(&providers.Step{Address: "mailbox_database.DB1", Verb: providers.VerbRestoreBackup}).Update(1<<20, 2<<20, "bytes")
	if !strings.HasPrefix(out.String(), "mailbox_database.DB1: restore_backup 1MB of 2MB (50%") || strings.Contains(out.String(), "\x1b[") {
		t.Errorf("progress line off a terminal = %q", out.String())
	}
}

func TestFlagsAnywhere(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"validate", "../../examples/quickstart", "-json"}, exitOK},
		{[]string{"validate", "-json", "../../examples/quickstart"}, exitOK},
		{[]string{"validate", "../../examples/quickstart", "-var", "site=Lab"}, exitOK},
		{[]string{"validate", "--", "-json"}, exitError}, // a directory named -json
	}
	for _, tt := range tests {
		code, stdout, stderr := runIn(t, tt.args...)
		if code != tt.want {
			t.Errorf("exdr %v exited %d, want %d\n%s%s", tt.args, code, tt.want, stdout, stderr)
		}
	}
	if _, stdout, _ := runIn(t, "validate", "../../examples/quickstart", "-json"); !strings.Contains(stdout, `"valid": true`) {
		t.Errorf("-json after the directory was not taken as a flag: %s", stdout)
	}
}

// On a terminal a long step shows a bar with its rate and the time left.
func TestProgressBar(t *testing.T) {
	for _, tt := range []struct {
		done, total int64
		unit, want  string
	}{
		{5, 20, "generations", "[#####               ] generation 5 of 20 (30s left)"},
		{1 << 30, 4 << 30, "bytes", "[#####               ] 1GB of 4GB (25%, 102.4MB/s, 30s left)"},
		{20, 20, "pages", "[####################] 20 of 20 pages"},
		{7, 0, "generations", "generation 7"},
		{30, 20, "pages", "[####################] 30 of 20 pages"},
	} {
		if got := bar(tt.done, tt.total, tt.unit, 10*time.Second); got != tt.want {
			t.Errorf("bar(%d, %d, %s) = %q, want %q", tt.done, tt.total, tt.unit, got, tt.want)
		}
	}
	var out bytes.Buffer
	v := newProgressView(&streams{stdout: &out, stdoutTTY: true}, 1)
	p := v.progress(&providers.Step{Address: "mailbox_database.DB1", Verb: "hard_recovery"})
	p.Update(3, 12, "generations")
	if got := out.String(); !strings.HasPrefix(got, "\r\x1b[K  mailbox_database.DB1: hard_recovery [#####               ] generation 3 of 12") {
		t.Errorf("the status line reads %q", got)
	}
}
