package lang

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes as a configuration file: Load must never
// panic, and must return either an organization or an error.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(errorFixtures, "*"+FileSuffix))
	examples, _ := filepath.Glob("../examples/*/*" + FileSuffix)
	for _, p := range append(seeds, examples...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`server "A" { roles = ["mailbox"] }`))
	f.Add([]byte("locals { a = { for k, v in {x = 1} : k => v } }"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, diags := Load(dir, []Source{{Filename: "fuzz.exdr.hcl", Bytes: src}}, Options{})
		if cfg == nil {
			t.Fatal("Load returned no Config")
		}
		if !diags.HasErrors() && cfg.Org == nil {
			t.Fatal("Load returned neither an organization nor an error")
		}
		for _, d := range diags {
			if d.Summary == "" {
				t.Fatalf("diagnostic without a summary: %#v", d)
			}
		}
	})
}

// FuzzFormat checks that formatting is stable: formatting the output again
// changes nothing.
func FuzzFormat(f *testing.F) {
	examples, _ := filepath.Glob("../examples/*/*" + FileSuffix)
	for _, p := range examples {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("a={\nb=1\ncc=2}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		once, diags := Format("f.exdr.hcl", src)
		if diags.HasErrors() {
			return
		}
		twice, diags := Format("f.exdr.hcl", once)
		if diags.HasErrors() {
			t.Fatalf("formatted output does not parse: %s\n%s", diags, once)
		}
		if string(once) != string(twice) {
			t.Fatalf("formatting is not stable:\nonce:\n%s\ntwice:\n%s", once, twice)
		}
	})
}
