package lang

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/exdr/exdr/internal/benchgen"
	"github.com/hashicorp/hcl/v2"
)

// cacheConfig reads the server's site through every kind of input a load
// has: a variable (default, -var, -var-file, EXDR_VAR_), file() and
// fileexists().
const cacheConfig = `
variable "site" {
  default = "Default-Site"
}
variable "suffix" {
  default = ""
}
locals {
  from_file = trimspace(file("site.txt"))
  flagged   = fileexists("flag.txt") ? "-flagged" : ""
}
server "MBX01" {
  roles = ["mailbox"]
  site  = "${var.site}-${local.from_file}${var.suffix}${local.flagged}"
}
server "EDGE01" {
  roles = ["edge_transport"]
  edge {
    cloned_config = "EDGE01.xml"
  }
}
`

const edgeExport = `<EdgeConfiguration><TransportServer><QueueDatabasePath>%s</QueueDatabasePath></TransportServer></EdgeConfiguration>`

type cacheFixture struct {
	dir, cache string
	opts       Options
}

func newCacheFixture(t *testing.T) *cacheFixture {
	t.Helper()
	f := &cacheFixture{dir: t.TempDir(), cache: t.TempDir()}
	f.write(t, "main.exdr.hcl", cacheConfig)
	f.write(t, "site.txt", "A")
	f.write(t, "vars.exdrvars", `suffix = "-v1"`)
	f.write(t, "EDGE01.xml", fmt.Sprintf(edgeExport, `D:\Queue`))
	f.opts = Options{Cache: f.cache, Vars: []VarArg{{File: filepath.Join(f.dir, "vars.exdrvars")}}, Env: []string{"HOME=/x"}}
	return f
}

func (f *cacheFixture) write(t *testing.T, name, content string) {
	if err := os.WriteFile(filepath.Join(f.dir, name), []byte(content), 0o644); err != nil {
		panic(err)
	}
}

// load loads the fixture, with the cache or without, and says whether
// the cache answered.
func (f *cacheFixture) load(t *testing.T, cached bool) (*Config, bool) {
	t.Helper()
	opts := f.opts
	if !cached {
		opts.Cache = ""
	}
	before := cacheHits.Load()
	cfg, diags := LoadDir(f.dir, opts)
	if diags.HasErrors() {
		t.Fatalf("load: %s", render(cfg.DiagnosticFiles(diags), diags))
	}
	return cfg, cacheHits.Load() > before
}

func site(cfg *Config) string {
	for _, s := range cfg.Org.Servers {
		if s.Name == "MBX01" {
			return s.Site
		}
	}
	return ""
}

// Every input of a load, changed, makes the next load miss the cache and
// see the change; unchanged, the next load is answered by the cache with
// the same configuration a parse gives.
func TestCacheNoticesEveryInput(t *testing.T) {
	cases := map[string]func(t *testing.T, f *cacheFixture){
		"a source file edited": func(t *testing.T, f *cacheFixture) {
			f.write(t, "main.exdr.hcl", strings.Replace(cacheConfig, "Default-Site", "Edited-Site", 1))
		},
		"a source file added": func(t *testing.T, f *cacheFixture) {
			f.write(t, "more.exdr.hcl", "server \"MBX02\" {\n  roles = [\"mailbox\"]\n}\n")
		},
		"a -var given": func(t *testing.T, f *cacheFixture) {
			f.opts.Vars = append(f.opts.Vars, VarArg{Name: "site", Value: "From-Var"})
		},
		"a -var-file changed in place": func(t *testing.T, f *cacheFixture) {
			f.write(t, "vars.exdrvars", `suffix = "-v2"`)
		},
		"an EXDR_VAR_ set": func(t *testing.T, f *cacheFixture) {
			f.opts.Env = append(f.opts.Env, EnvPrefix+"site=From-Env")
		},
		"a file read by file() changed": func(t *testing.T, f *cacheFixture) {
			f.write(t, "site.txt", "B")
		},
		"a file fileexists() looked for created": func(t *testing.T, f *cacheFixture) {
			f.write(t, "flag.txt", "")
		},
		"an Edge's cloned configuration exported again": func(t *testing.T, f *cacheFixture) {
			f.write(t, "EDGE01.xml", fmt.Sprintf(edgeExport, `E:\\Queue`))
		},
		"another exdr": func(t *testing.T, f *cacheFixture) {
			saved := executable
			executable = func() string { return "another build" }
			t.Cleanup(func() { executable = saved })
		},
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			f := newCacheFixture(t)
			first, hit := f.load(t, true)
			if hit {
				t.Fatal("the first load was answered by an empty cache")
			}
			again, hit := f.load(t, true)
			if !hit || !reflect.DeepEqual(again.Org, first.Org) {
				t.Fatalf("an unchanged configuration: hit %v, same %v", hit, reflect.DeepEqual(again.Org, first.Org))
			}
			change(t, f)
			got, hit := f.load(t, true)
			want, _ := f.load(t, false)
			if hit {
				t.Errorf("answered by the cache after the change")
			}
			if !reflect.DeepEqual(got.Org, want.Org) {
				t.Errorf("the load after the change differs from a parse: site %q, want %q", site(got), site(want))
			}
			if name != "another exdr" && reflect.DeepEqual(want.Org, first.Org) {
				t.Errorf("the change changed nothing: the case proves nothing")
			}
			if _, hit := f.load(t, true); !hit {
				t.Errorf("the changed configuration was not cached in turn")
			}
		})
	}
}

// A damaged or foreign entry is ignored, never trusted, and written again.
func TestCacheIgnoresADamagedEntry(t *testing.T) {
	damage := map[string]func(b []byte) []byte{
		"a byte flipped": func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b },
		"truncated":      func(b []byte) []byte { return b[:len(b)/3] },
		"emptied":        func(b []byte) []byte { return nil },
		"garbage":        func(b []byte) []byte { return []byte(strings.Repeat("x", 100)) },
		// What a crash can leave of an entry written without a flush to
		// disk: the name, its length, and none of its bytes.
		"zeroed": func(b []byte) []byte { return make([]byte, len(b)) },
	}
	for name, spoil := range damage {
		t.Run(name, func(t *testing.T) {
			f := newCacheFixture(t)
			want, _ := f.load(t, true)
			entries := configCacheEntries(t, f.cache)
			if len(entries) != 1 {
				t.Fatalf("%d entries, want 1", len(entries))
			}
			path := entries[0]
			b, _ := os.ReadFile(path)
			os.WriteFile(path, spoil(b), 0o600)
			got, hit := f.load(t, true)
			if hit || !reflect.DeepEqual(got.Org, want.Org) {
				t.Fatalf("a %s entry: hit %v, same %v", name, hit, reflect.DeepEqual(got.Org, want.Org))
			}
			if _, hit := f.load(t, true); !hit {
				t.Errorf("the entry was not written again")
			}
		})
	}
}

// configCacheEntries are the configuration cache's entries in cache: its
// files named as slots (the syntax cache is a folder beside them, and the
// time of the last trim a file).
func configCacheEntries(t *testing.T, cache string) []string {
	t.Helper()
	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		if e.Type().IsRegular() && isSlotName(e.Name()) {
			paths = append(paths, filepath.Join(cache, e.Name()))
		}
	}
	return paths
}

// A configuration from the cache still shows its source in diagnostics
// raised afterwards (by the planner), with the block it is in.
func TestCachedConfigShowsSource(t *testing.T) {
	f := newCacheFixture(t)
	f.load(t, true)
	cfg, hit := f.load(t, true)
	if !hit || len(cfg.Files) != 0 {
		t.Fatalf("hit %v, %d parsed files kept", hit, len(cfg.Files))
	}
	var rng hcl.Range
	for _, s := range cfg.Org.Servers {
		if s.Name == "MBX01" {
			rng = s.Decl.Range
		}
	}
	diags := hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Something about the server", Subject: &rng}}
	out := render(cfg.DiagnosticFiles(diags), diags)
	if !strings.Contains(out, `server "MBX01" {`) || !strings.Contains(out, "main.exdr.hcl line 12, in server \"MBX01\"") {
		t.Fatalf("no source shown:\n%s", out)
	}
}

// Every configuration the project ships loads from the cache exactly as
// it parses.
func TestCachedEqualsParsed(t *testing.T) {
	gen := t.TempDir()
	if err := benchgen.Write(gen, benchgen.Files(4, 3, 2)); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"../examples/quickstart", gen} {
		cache := t.TempDir()
		want, diags := LoadDir(dir, Options{})
		if diags.HasErrors() {
			t.Fatalf("%s: %s", dir, render(want.DiagnosticFiles(diags), diags))
		}
		LoadDir(dir, Options{Cache: cache})
		before := cacheHits.Load()
		got, _ := LoadDir(dir, Options{Cache: cache})
		if cacheHits.Load() == before {
			t.Fatalf("%s: not answered by the cache", dir)
		}
		if !reflect.DeepEqual(got.Org, want.Org) || !reflect.DeepEqual(got.Drills, want.Drills) || !reflect.DeepEqual(got.Sensitive, want.Sensitive) {
			t.Errorf("%s: the cached configuration differs from the parsed one", dir)
		}
	}
}

// A relative -var-file names a file in the folder exdr runs in: from
// another folder it is another file, and the cache does not answer with
// the first one's load. (Found by a review: the key held the path as
// typed.)
func TestCacheRelativeVarFileFromAnotherFolder(t *testing.T) {
	f := newCacheFixture(t)
	a, b := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(a, "v.exdrvars"), []byte(`suffix = "-from-A"`), 0o644)
	os.WriteFile(filepath.Join(b, "v.exdrvars"), []byte(`suffix = "-from-B"`), 0o644)
	f.opts.Vars = []VarArg{{File: "v.exdrvars"}}
	t.Chdir(a)
	f.load(t, true)
	t.Chdir(b)
	if cfg, hit := f.load(t, true); site(cfg) != "Default-Site-A-from-B" {
		t.Fatalf("from B the -var-file is B's; the load gave %q (cache hit %v)", site(cfg), hit)
	}
}

// A sensitive variable's value given from outside the files (-var,
// -var-file, EXDR_VAR_) is never written to the cache, where it would sit
// in plain text in the user's cache folder.
func TestSensitiveValuesAreNotCached(t *testing.T) {
	const secret = "Sup3r-Secret-Value"
	config := cacheConfig + `
variable "password" {
  sensitive = true
  default   = "not-the-secret"
}
server "MBX03" {
  roles = ["mailbox"]
  site  = var.password
}
`
	for name, give := range map[string]func(f *cacheFixture){
		"-var":      func(f *cacheFixture) { f.opts.Vars = append(f.opts.Vars, VarArg{Name: "password", Value: secret}) },
		"EXDR_VAR_": func(f *cacheFixture) { f.opts.Env = append(f.opts.Env, EnvPrefix+"password="+secret) },
		"-var-file": func(f *cacheFixture) {
			f.write(nil, "secret.exdrvars", `password = "`+secret+`"`)
			f.opts.Vars = append(f.opts.Vars, VarArg{File: filepath.Join(f.dir, "secret.exdrvars")})
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newCacheFixture(t)
			f.write(t, "main.exdr.hcl", config)
			give(f)
			f.load(t, true)
			if _, hit := f.load(t, true); hit {
				t.Error("a load with a sensitive value given was answered by the cache")
			}
			filepath.WalkDir(f.cache, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(secret)) {
						t.Errorf("%s holds the sensitive value", path)
					}
				}
				return nil
			})
		})
	}
	// The default is in the files already: such a load is cached.
	f := newCacheFixture(t)
	f.write(t, "main.exdr.hcl", config)
	f.load(t, true)
	if _, hit := f.load(t, true); !hit {
		t.Error("a load with a sensitive variable left at its default was not cached")
	}
}

// A path with ".." after a symbolic link is recorded as the load opened
// it: the kernel follows the link before "..", so cleaning the path as
// text named another file, whose digest the cache then checked (found by
// a review: a changed file read through ../ was answered from the cache).
func TestCacheFollowsDotDotAsTheKernelDoes(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real", "sub")
	os.MkdirAll(real, 0o755)
	os.MkdirAll(filepath.Join(root, "logical"), 0o755)
	if err := os.Symlink(real, filepath.Join(root, "logical", "sub")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	// The file the load reads is real/site.txt; logical/site.txt is
	// what textual cleaning names instead.
	os.WriteFile(filepath.Join(root, "real", "site.txt"), []byte("R1"), 0o644)
	os.WriteFile(filepath.Join(root, "logical", "site.txt"), []byte("R1"), 0o644)
	f := newCacheFixture(t)
	through := filepath.Join(root, "logical", "sub") + "/../site.txt"
	f.write(t, "main.exdr.hcl", strings.Replace(cacheConfig, `file("site.txt")`, `file("`+through+`")`, 1))
	if cfg, _ := f.load(t, true); !strings.Contains(site(cfg), "-R1") {
		t.Fatalf("site %q", site(cfg))
	}
	os.WriteFile(filepath.Join(root, "real", "site.txt"), []byte("R2"), 0o644)
	got, hit := f.load(t, true)
	if hit || !strings.Contains(site(got), "-R2") {
		t.Errorf("after the file read was changed: hit %v, site %q", hit, site(got))
	}
}

// TestTwoBuildsKeepTheirEntries: two exdr builds run in turn on one
// folder (an upgrade tried beside the old one, a CI matrix sharing a
// cache) each find their own entry, instead of each evicting the other's
// and parsing every time.
func TestTwoBuildsKeepTheirEntries(t *testing.T) {
	f := newCacheFixture(t)
	saved := executable
	t.Cleanup(func() { executable = saved })
	build := func(name string) { executable = func() string { return name } }
	build("build A")
	if _, hit := f.load(t, true); hit {
		t.Fatal("the first load was answered by an empty cache")
	}
	build("build B")
	if _, hit := f.load(t, true); hit {
		t.Fatal("build B was answered by build A's entry")
	}
	for _, name := range []string{"build A", "build B", "build A"} {
		build(name)
		if _, hit := f.load(t, true); !hit {
			t.Errorf("%s, run again after the other build, parsed again: its entry was evicted", name)
		}
	}
}

// TestLoadPathUsesTheCache: a single file given on its own (LoadPath,
// Load) is cached as a folder is (LoadDir, whose entry is decoded while
// the files are read), and an edit to it is seen.
func TestLoadPathUsesTheCache(t *testing.T) {
	f := newCacheFixture(t)
	file := filepath.Join(f.dir, "main.exdr.hcl")
	loadFile := func() (*Config, bool) {
		t.Helper()
		before := cacheHits.Load()
		cfg, diags := LoadPath(file, f.opts)
		if diags.HasErrors() {
			t.Fatalf("load: %s", render(cfg.DiagnosticFiles(diags), diags))
		}
		return cfg, cacheHits.Load() > before
	}
	first, hit := loadFile()
	if hit {
		t.Fatal("the first load was answered by an empty cache")
	}
	if again, hit := loadFile(); !hit || !reflect.DeepEqual(again.Org, first.Org) {
		t.Fatalf("the same file again: hit %v, same %v", hit, reflect.DeepEqual(again.Org, first.Org))
	}
	f.write(t, "main.exdr.hcl", strings.Replace(cacheConfig, "Default-Site", "Other-Site", 1))
	edited, hit := loadFile()
	if want := "Other-Site-A-v1"; hit || site(edited) != want {
		t.Errorf("after an edit: hit %v, site %q, want %q", hit, site(edited), want)
	}
}
