package lang

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/sebdah/goldie/v2"
)

const errorFixtures = "../testdata/errors"

// TestErrorFixtures loads each bad configuration in testdata/errors and
// compares the (line, summary) of every error with the "# ERROR: summary"
// markers in the file, exactly: a missing error, an extra one, or one on
// the wrong line all fail.
func TestErrorFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(errorFixtures, "*"+FileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("found %d error fixtures, want at least 25", len(files))
	}
	g := goldie.New(t, goldie.WithFixtureDir(errorFixtures), goldie.WithNameSuffix(".golden"))
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), FileSuffix)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := expectedErrors(t, src)
			if len(want) == 0 {
				t.Fatal("fixture has no # ERROR: marker")
			}
			cfg, diags := Load(errorFixtures, []Source{{Filename: filepath.Base(path), Bytes: src}}, Options{})
			var got []string
			for _, d := range diags {
				if d.Severity != hcl.DiagError {
					continue
				}
				line := 0
				if d.Subject != nil {
					line = d.Subject.Start.Line
				}
				got = append(got, fmt.Sprintf("%d: %s", line, d.Summary))
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("errors differ\n got: %s\nwant: %s\n\n%s", strings.Join(got, "; "), strings.Join(want, "; "), render(cfg.Files, diags))
			}
			g.Assert(t, name, []byte(render(cfg.Files, diags)))
		})
	}
}

func expectedErrors(t *testing.T, src []byte) []string {
	t.Helper()
	var want []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		if _, summary, ok := strings.Cut(sc.Text(), "# ERROR: "); ok {
			want = append(want, fmt.Sprintf("%d: %s", line, strings.TrimSpace(summary)))
		}
	}
	slices.Sort(want)
	return want
}

// render is the text the CLI prints, without colour.
func render(files map[string]*hcl.File, diags hcl.Diagnostics) string {
	var b bytes.Buffer
	w := hcl.NewDiagnosticTextWriter(&b, files, 78, false)
	if err := w.WriteDiagnostics(diags); err != nil {
		panic(err)
	}
	return b.String()
}
