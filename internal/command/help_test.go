package command

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"
)

// run runs a command line in-process and returns its exit code and
// output; stdin is not a terminal.
func runLine(args ...string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	s := &streams{stdin: bytes.NewReader(nil), stdout: &out, stderr: &errs, noColor: true, env: os.Environ()}
	code = runCommand(context.Background(), args, s)
	return code, out.String(), errs.String()
}

// TestHelpTexts: every command's -h prints its usage, what it does, its
// examples and its flags on stdout, and exits 0, as "exdr help CMD" does.
// -update rewrites the goldens (run this test alone: go test
// ./internal/command -run TestHelpTexts -update).
func TestHelpTexts(t *testing.T) {
	g := goldie.New(t, goldie.WithFixtureDir(filepath.Join("testdata", "help")), goldie.WithNameSuffix(".golden"))
	var lines [][]string
	for _, c := range commands() {
		if c.name != "help" {
			lines = append(lines, []string{c.name})
		}
	}
	lines = append(lines, []string{"lab"}, []string{"edge"})
	for _, c := range labCommands() {
		lines = append(lines, []string{"lab", c.name})
	}
	for _, line := range lines {
		name := strings.Join(line, "_")
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runLine(append(line, "-h")...)
			if code != 0 || stderr != "" {
				t.Fatalf("exdr %s -h: exit %d, stderr %q; want 0 and nothing on stderr", strings.Join(line, " "), code, stderr)
			}
			if !strings.HasPrefix(stdout, "Usage: exdr "+strings.Join(line, " ")) {
				t.Errorf("exdr %s -h does not begin with its usage:\n%s", strings.Join(line, " "), stdout)
			}
			if _, documented := helps[name]; documented && !strings.Contains(stdout, "Examples:\n") {
				t.Errorf("exdr %s -h has no examples", name)
			}
			g.Assert(t, name, []byte(stdout))
			if len(line) == 1 && line[0] != "lab" && line[0] != "edge" {
				hcode, hout, _ := runLine("help", line[0])
				if hcode != 0 || hout != stdout {
					t.Errorf("exdr help %s differs from exdr %s -h (exit %d):\n%s", line[0], line[0], hcode, hout)
				}
			}
		})
	}
}

// TestEveryDocumentedCommandHasHelp keeps the help texts and the command
// table together: a new command without a paragraph fails here.
func TestEveryDocumentedCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		if c.name == "help" || c.name == "lab" || c.name == "edge" {
			continue
		}
		if _, ok := helps[c.name]; !ok {
			t.Errorf("command %s has no help text in helps", c.name)
		}
	}
}

// TestJSONFailures: with -json every failure is a JSON document on
// stdout in validate -json's shape, so a pipeline never reads nothing.
func TestJSONFailures(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "main.exdr.hcl"), []byte("mailbox_database \"X\" {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	quickstart := filepath.Join(dir, "quickstart")
	if err := copyConfig(filepath.Join("..", "..", "examples", "quickstart"), quickstart); err != nil {
		t.Fatal(err)
	}
	g := goldie.New(t, goldie.WithFixtureDir(filepath.Join("testdata", "json")), goldie.WithNameSuffix(".golden"))
	for _, tc := range []struct {
		name   string
		args   []string
		errors int
	}{
		{"plan_unknown_flag", []string{"plan", "-json", "-bogus", quickstart}, 1},
		{"plan_undeclared_var", []string{"plan", "-json", "-var", "nope=1", quickstart}, 1},
		{"plan_broken_config", []string{"plan", "-json", broken}, 1},
		{"plan_bad_duration", []string{"plan", "-json", "-lock-timeout", "5", quickstart}, 1},
		{"check_broken_config", []string{"check", "-json", broken}, 1},
		{"show_missing_file", []string{"show", "-json", filepath.Join(dir, "missing.plan")}, 1},
		{"version_extra_argument", []string{"version", "-json", "extra"}, 1},
		{"validate_broken_config", []string{"validate", "-json", broken}, 1},
		{"plan_out_unwritable", []string{"plan", "-json", "-out", filepath.Join(dir, "missing", "f.plan"), quickstart}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, _ := runLine(tc.args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1", code)
			}
			var doc struct {
				FormatVersion string            `json:"format_version"`
				ErrorCount    int               `json:"error_count"`
				Diagnostics   []json.RawMessage `json:"diagnostics"`
			}
			dec := json.NewDecoder(strings.NewReader(stdout))
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout)
			}
			if _, err := dec.Token(); err != io.EOF {
				t.Fatalf("stdout holds more than one JSON document:\n%s", stdout)
			}
			if doc.FormatVersion == "" || doc.ErrorCount != tc.errors || len(doc.Diagnostics) < tc.errors {
				t.Fatalf("got %+v, want %d error(s) in diagnostics", doc, tc.errors)
			}
			g.Assert(t, tc.name, []byte(strings.ReplaceAll(stdout, dir, "$DIR")))
		})
	}
}

func TestClosest(t *testing.T) {
	candidates := []string{"plan", "apply", "show", "graph", "validate", "drill", "check", "fmt", "edge", "lab", "force-unlock", "version", "help", "detailed-exitcode", "json", "out"}
	for _, tc := range []struct{ given, want string }{
		{"plam", "plan"},
		{"aply", "apply"},
		{"valdate", "validate"},
		{"detailed", "detailed-exitcode"},
		{"jsno", "json"},
		{"x", ""},
		{"bogus", ""},
		{"frobnicate", ""},
		{"", ""},
	} {
		if got := closest(tc.given, candidates); got != tc.want {
			t.Errorf("closest(%q) = %q, want %q", tc.given, got, tc.want)
		}
	}
}

func TestDurationFlag(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"30s", 30 * time.Second, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"0s", 0, ""},
		{"5", 0, "a duration needs its unit: write 5s (seconds), 5m or 5h"},
		{"1.5", 0, "a duration needs its unit: write 1.5s (seconds), 1.5m or 1.5h"},
		{"5x", 0, "not a duration"},
		{"", 0, "not a duration"},
		{"-5s", 0, "cannot be negative"},
	} {
		var d durationValue
		err := d.Set(tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.err)
		case tc.err == "" && time.Duration(d) != tc.want:
			t.Errorf("%q: %v, want %v", tc.in, time.Duration(d), tc.want)
		}
	}
}

func TestNaturalCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"Message 5 to x", "Message 10 to x", -1},
		{"Message 10 to x", "Message 5 to x", 1},
		{"Message 3 to db1-user002", "Message 12 to db1-user002", -1},
		{"Message 05", "Message 5", 0},
		{"Inbox", "Sent Items", -1},
		{"a", "a1", -1},
		{"", "", 0},
		{"Message 2 to db1-user010", "Message 2 to db1-user9", 1},
		{"99999999999999999999999", "100000000000000000000000", -1},
	} {
		if got := naturalCompare(tc.a, tc.b); got != tc.want {
			t.Errorf("naturalCompare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// Pages failing their checksums agree in number (the counts themselves
// are package english's, tested there).
func TestFailingAgrees(t *testing.T) {
	if failing(1) != "1 failing its checksum" || failingPages(2) != "2 pages failing their checksums" {
		t.Error("pages failing their checksums do not agree in number")
	}
}
