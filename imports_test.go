package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/exdr/exdr"

// rule is the line of a package's doc.go that names the exdr packages it
// may import.
var rule = regexp.MustCompile(`(?m)^// Imports \(exdr\): (.+)\.$`)

// Every package states in its doc.go which exdr packages it may import,
// and imports no other (its own code, not its tests): so the picture the
// doc.go files paint (org at the bottom, commands at the top, providers
// never importing the planner) stays true. The imports come from go
// list.
func TestImportsFollowTheDocRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	seen := 0
	for {
		var p struct {
			ImportPath, Dir string
			Imports         []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		seen++
		name := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		if name == "" {
			name = "(main)"
		}
		doc, err := os.ReadFile(filepath.Join(p.Dir, "doc.go"))
		if err != nil {
			t.Errorf("%s has no doc.go saying what it owns and may import", name)
			continue
		}
		m := rule.FindSubmatch(doc)
		if m == nil {
			t.Errorf("%s/doc.go has no %q line", name, "// Imports (exdr): ...")
			continue
		}
		var may []string
		if s := string(m[1]); s != "none" {
			for _, x := range strings.Split(s, ",") {
				may = append(may, strings.TrimSpace(x))
			}
		}
		for _, imp := range p.Imports {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			if got := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/"); !slices.Contains(may, got) {
				t.Errorf("%s imports %s, which its doc.go does not allow (%s)", name, got, m[1])
			}
		}
	}
	if seen < 20 {
		t.Errorf("go list found %d packages", seen)
	}
}
