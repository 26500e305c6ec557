package lang

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"aligns equals", "a = 1\nbbb = 2\n", "a   = 1\nbbb = 2\n"},
		{"indents blocks", "server \"X\" {\nroles = [\"mailbox\"]\n}\n", "server \"X\" {\n  roles = [\"mailbox\"]\n}\n"},
		{"already formatted", "a = 1\n", "a = 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := Format("t.exdr.hcl", []byte(tt.in))
			if diags.HasErrors() || string(got) != tt.want {
				t.Errorf("Format(%q) = %q, %v; want %q", tt.in, got, diags, tt.want)
			}
		})
	}
}

func TestFormatRefusesBrokenInput(t *testing.T) {
	in := []byte("server \"X\" {\n  roles = [\n")
	got, diags := Format("t.exdr.hcl", in)
	if !diags.HasErrors() || string(got) != string(in) {
		t.Errorf("Format of a broken file = %q, %v; want the input back with errors", got, diags)
	}
}

// TestExamplesAreFormatted keeps the shipped examples in canonical form,
// which also proves that formatting a formatted file changes nothing.
func TestExamplesAreFormatted(t *testing.T) {
	files, _ := filepath.Glob("../examples/*/*" + FileSuffix)
	if len(files) == 0 {
		t.Fatal("no example files found")
	}
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, diags := Format(p, src)
		if diags.HasErrors() || string(got) != string(src) {
			t.Errorf("%s is not formatted: run exdr fmt %s", p, filepath.Dir(p))
		}
	}
}
