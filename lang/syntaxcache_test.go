package lang

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/internal/benchgen"
)

// dropConfigCache removes the configuration cache's entries, so that the
// next load goes through the syntax cache.
func dropConfigCache(t *testing.T, cache string) {
	t.Helper()
	for _, p := range configCacheEntries(t, cache) {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
}

// counts runs load and returns how many files it parsed and decoded.
func counts(load func()) (parsed, decoded int64) {
	p, d := filesParsed.Load(), filesDecoded.Load()
	load()
	return filesParsed.Load() - p, filesDecoded.Load() - d
}

type syntaxFixture struct {
	dir, cache string
}

func newSyntaxFixture(t *testing.T) *syntaxFixture {
	t.Helper()
	f := &syntaxFixture{dir: t.TempDir(), cache: t.TempDir()}
	if err := benchgen.Write(f.dir, benchgen.Files(4, 3, 2)); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *syntaxFixture) files(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(f.dir, "*"+FileSuffix))
	if err != nil || len(files) < 3 {
		t.Fatalf("%d files: %v", len(files), err)
	}
	return files
}

// load loads the fixture past the configuration cache and checks the
// result against a load without any cache.
func (f *syntaxFixture) load(t *testing.T, vars ...VarArg) (parsed, decoded int64) {
	t.Helper()
	dropConfigCache(t, f.cache)
	var got *Config
	var diags hcl.Diagnostics
	parsed, decoded = counts(func() { got, diags = LoadDir(f.dir, Options{Cache: f.cache, Vars: vars}) })
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want, diags := LoadDir(f.dir, Options{Vars: vars})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if !reflect.DeepEqual(got.Org, want.Org) || !reflect.DeepEqual(got.Drills, want.Drills) {
		t.Fatal("the load through the syntax cache differs from a parse")
	}
	return parsed, decoded
}

// An unchanged file is decoded, not parsed: a load after one file was
// edited parses that file alone, and one after a file was added, that
// file alone.
func TestSyntaxCacheParsesOnlyWhatChanged(t *testing.T) {
	f := newSyntaxFixture(t)
	files := f.files(t)
	n := int64(len(files))
	if p, d := f.load(t); p != n || d != 0 {
		t.Fatalf("first load: %d parsed, %d decoded; want %d, 0", p, d, n)
	}
	if p, d := f.load(t); p != 0 || d != n {
		t.Fatalf("unchanged: %d parsed, %d decoded; want 0, %d", p, d, n)
	}
	b, _ := os.ReadFile(files[1])
	os.WriteFile(files[1], append(b, "\n# edited\n"...), 0o644)
	if p, d := f.load(t); p != 1 || d != n-1 {
		t.Fatalf("one file edited: %d parsed, %d decoded; want 1, %d", p, d, n-1)
	}
	os.WriteFile(filepath.Join(f.dir, "extra"+FileSuffix), []byte("variable \"x\" {\n  default = \"a\"\n}\n"), 0o644)
	if p, d := f.load(t); p != 1 || d != n {
		t.Fatalf("one file added: %d parsed, %d decoded; want 1, %d", p, d, n)
	}
	// A -var misses the configuration cache, not the syntax cache.
	if p, d := f.load(t, VarArg{Name: "x", Value: "b"}); p != 0 || d != n+1 {
		t.Fatalf("another -var: %d parsed, %d decoded; want 0, %d", p, d, n+1)
	}
	// The same bytes under another name are parsed: ranges name the file.
	os.Rename(files[0], strings.TrimSuffix(files[0], FileSuffix)+"-renamed"+FileSuffix)
	if p, d := f.load(t); p != 1 || d != n {
		t.Fatalf("one file renamed: %d parsed, %d decoded; want 1, %d", p, d, n)
	}
}

// A damaged slot, or one another exdr wrote, is ignored and written again.
func TestSyntaxCacheIgnoresADamagedSlot(t *testing.T) {
	damage := map[string]func(t *testing.T, path string){
		"a byte flipped": func(t *testing.T, path string) {
			spoilFile(t, path, func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b })
		},
		"truncated": func(t *testing.T, path string) { spoilFile(t, path, func(b []byte) []byte { return b[:len(b)/3] }) },
		"zeroed": func(t *testing.T, path string) {
			spoilFile(t, path, func(b []byte) []byte { return make([]byte, len(b)) })
		},
		"emptied":  func(t *testing.T, path string) { spoilFile(t, path, func([]byte) []byte { return nil }) },
		"a folder": func(t *testing.T, path string) { os.Remove(path); os.Mkdir(path, 0o700) },
		// A slot whose checksum holds but whose tree does not decode:
		// only what a hand could make, and still never trusted.
		"an entry that does not decode": func(t *testing.T, path string) {
			slot := readSyntaxSlot(path)
			var srcs []Source
			var entries []*syntaxEntry
			for name, e := range slot.entries {
				e.encoded = e.encoded[:len(e.encoded)-1]
				srcs = append(srcs, Source{Filename: name})
				entries = append(entries, &e)
			}
			slot.write(srcs, entries)
		},
		"another exdr's": func(t *testing.T, path string) {
			slot := readSyntaxSlot(path)
			old := executable
			executable = func() string { return "another exdr" }
			defer func() { executable = old }()
			var srcs []Source
			var entries []*syntaxEntry
			for name, e := range slot.entries {
				srcs = append(srcs, Source{Filename: name})
				entries = append(entries, &e)
			}
			slot.write(srcs, entries)
		},
	}
	for name, spoil := range damage {
		t.Run(name, func(t *testing.T) {
			f := newSyntaxFixture(t)
			n := int64(len(f.files(t)))
			f.load(t)
			spoil(t, syntaxSlotPath(f.cache, f.dir))
			if p, d := f.load(t); p != n || d != 0 {
				t.Fatalf("after the damage: %d parsed, %d decoded; want %d, 0", p, d, n)
			}
			if name == "a folder" {
				return // a folder in its place is left alone
			}
			if p, d := f.load(t); p != 0 || d != n {
				t.Fatalf("the slot was not written again: %d parsed, %d decoded", p, d)
			}
		})
	}
}

func spoilFile(t *testing.T, path string, spoil func([]byte) []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, spoil(b), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A load whose files were decoded says and builds exactly what a parse
// does: the same model, and the same diagnostics shown with the same
// source snippets and context (the decoded files are parsed again for
// them), over every error fixture and example.
func TestDecodedLoadMatchesParsed(t *testing.T) {
	type config struct {
		dir string
		src []Source
	}
	var configs []config
	fixtures, _ := filepath.Glob(filepath.Join(errorFixtures, "*"+FileSuffix))
	for _, path := range fixtures {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, config{errorFixtures, []Source{{Filename: filepath.Base(path), Bytes: b}}})
	}
	examples, _ := filepath.Glob("../examples/*")
	for _, dir := range examples {
		srcs, diags := ReadDir(dir)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		configs = append(configs, config{dir, srcs})
	}
	decodedAny := 0
	for _, c := range configs {
		name := c.dir + "/" + c.src[0].Filename
		want, wantDiags := Load(c.dir, c.src, Options{})
		wantText := render(want.Files, wantDiags)
		cache := t.TempDir()
		Load(c.dir, c.src, Options{Cache: cache})
		dropConfigCache(t, cache)
		var got *Config
		var gotDiags hcl.Diagnostics
		_, decoded := counts(func() { got, gotDiags = Load(c.dir, c.src, Options{Cache: cache}) })
		if decoded > 0 {
			decodedAny++
		}
		if gotText := render(got.DiagnosticFiles(gotDiags), gotDiags); gotText != wantText {
			t.Errorf("%s: diagnostics after decoding differ:\n--- parsed\n%s\n--- decoded\n%s", name, wantText, gotText)
		}
		if !reflect.DeepEqual(got.Org, want.Org) || !reflect.DeepEqual(got.Drills, want.Drills) || !reflect.DeepEqual(got.Sensitive, want.Sensitive) {
			t.Errorf("%s: the model after decoding differs from the parsed one", name)
		}
	}
	if decodedAny < len(configs)*3/4 {
		t.Errorf("only %d of %d configurations were decoded", decodedAny, len(configs))
	}
}
