package main

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEWalkthrough replays the README's walkthrough as a newcomer
// would: every line of every sh block of "## Walkthrough", in order, on
// a fresh copy of the example it cds into, with exdr built from this
// tree. Each command must end as the README says:
//   - a comment that begins "refuses" or "fails" means exit status 1,
//     anything else 0;
//   - each `quoted` part of the comment is in what the command printed
//     (runs of spaces count as one).
//
// Lines that are not exdr run with sh in the example's folder.
func TestREADMEWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the walkthrough runs exdr some hundred times")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := walkthroughLines(string(readme))
	if len(lines) < 20 {
		t.Fatalf("found %d walkthrough commands in README.md; the section or its sh blocks moved", len(lines))
	}
	t.Logf("%d walkthrough commands", len(lines))
	bin := filepath.Join(t.TempDir(), "bin")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "exdr"), ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cache := t.TempDir()
	var dir string // the copy of the example the walkthrough is in
	for _, l := range lines {
		if ex, ok := strings.CutPrefix(l.command, "cd examples/"); ok {
			dir = filepath.Join(t.TempDir(), ex)
			if err := copyExample(filepath.Join("examples", ex), dir); err != nil {
				t.Fatalf("README.md:%d: %v", l.line, err)
			}
			continue
		}
		if dir == "" {
			t.Fatalf("README.md:%d: %s runs before any cd examples/NAME", l.line, l.command)
		}
		cmd := exec.Command("sh", "-c", l.command)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "EXDR_CONFIG_CACHE="+cache, "NO_COLOR=1")
		out, err := cmd.CombinedOutput()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("README.md:%d: %s: %v", l.line, l.command, err)
		}
		want := 0
		if strings.HasPrefix(l.comment, "refuses") || strings.HasPrefix(l.comment, "fails") {
			want = 1
		}
		if code != want {
			t.Errorf("README.md:%d: %s\nexited %d, the README says %d (# %s); it printed:\n%s", l.line, l.command, code, want, l.comment, out)
			continue
		}
		printed := squeeze(string(out))
		for _, q := range quoted.FindAllStringSubmatch(l.comment, -1) {
			if !strings.Contains(printed, squeeze(q[1])) {
				t.Errorf("README.md:%d: %s\ndid not print %q, as the README says; it printed:\n%s", l.line, l.command, q[1], out)
			}
		}
	}
}

var quoted = regexp.MustCompile("`([^`]+)`")

type walkthroughLine struct {
	line             int
	command, comment string
}

// walkthroughLines are the commands of the sh blocks under
// "## Walkthrough", each with its comment.
func walkthroughLines(readme string) []walkthroughLine {
	var out []walkthroughLine
	in, block := false, false
	sc := bufio.NewScanner(strings.NewReader(readme))
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		switch {
		case strings.HasPrefix(text, "## "):
			in = strings.HasPrefix(text, "## Walkthrough")
			continue
		case !in:
			continue
		case text == "```sh":
			block = true
			continue
		case text == "```":
			block = false
			continue
		case !block || strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#"):
			continue
		}
		command, comment, _ := strings.Cut(text, " #")
		out = append(out, walkthroughLine{line: n, command: strings.TrimSpace(command), comment: strings.TrimSpace(comment)})
	}
	return out
}

func squeeze(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// copyExample copies an example without what running it leaves behind
// (its lab, its drill reports), as a fresh checkout has it.
func copyExample(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || rel == "drills") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("copy %s: %w", path, err)
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}
