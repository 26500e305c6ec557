//go:build unix

package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// A FIFO in the place of either cache's file is ignored, not waited on
// (found by trying: both caches used to hang the load).
func TestCachesIgnoreAFIFO(t *testing.T) {
	f := newSyntaxFixture(t)
	n := int64(len(f.files(t)))
	LoadDir(f.dir, Options{Cache: f.cache})
	paths := append(configCacheEntries(t, f.cache), syntaxSlotPath(f.cache, f.dir))
	for _, p := range paths {
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("no FIFOs here:", err)
		}
	}
	done := make(chan [2]int64, 1)
	go func() {
		var cfg *Config
		var diags hcl.Diagnostics
		p, d := counts(func() { cfg, diags = LoadDir(f.dir, Options{Cache: f.cache}) })
		if diags.HasErrors() || len(cfg.Org.Databases) == 0 {
			t.Errorf("load: %s", diags)
		}
		done <- [2]int64{p, d}
	}()
	select {
	case got := <-done:
		if got != [2]int64{n, 0} {
			t.Errorf("%d parsed, %d decoded; want %d, 0", got[0], got[1], n)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the load waited on a FIFO in the cache")
	}
}

// A -var-file that is a pipe, as `-var-file <(vault read ...)` gives, is
// read once, by the load: the cache used to read it first to fingerprint
// it, so the load found it empty and planned with the defaults.
func TestVarFileFromAPipe(t *testing.T) {
	for _, cached := range []bool{false, true} {
		f := newCacheFixture(t)
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		w.WriteString(`suffix = "-piped"` + "\n")
		w.Close()
		defer r.Close()
		path := fmt.Sprintf("/dev/fd/%d", r.Fd())
		if _, err := os.Stat(path); err != nil {
			t.Skip("no /dev/fd here:", err)
		}
		f.opts.Vars = []VarArg{{File: path}}
		if !cached {
			f.opts.Cache = ""
		}
		cfg, _ := f.load(t, cached)
		if got := site(cfg); got != "Default-Site-A-piped" {
			t.Errorf("cache %v: site %q, want the suffix from the pipe", cached, got)
		}
		if cached && len(configCacheEntries(t, f.cache)) != 0 {
			t.Error("a load that read a pipe was cached: the next run would read another pipe")
		}
	}
}

// fileexists() on a FIFO answers false at once, as on any file that is not
// a regular one: it looks at the file, it does not read it.
func TestFileExistsDoesNotReadAFIFO(t *testing.T) {
	f := newCacheFixture(t)
	os.Remove(filepath.Join(f.dir, "flag.txt"))
	if err := syscall.Mkfifo(filepath.Join(f.dir, "flag.txt"), 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan string, 1)
	go func() {
		cfg, diags := LoadDir(f.dir, f.opts)
		if diags.HasErrors() {
			t.Error(diags)
		}
		done <- site(cfg)
	}()
	select {
	case got := <-done:
		if got != "Default-Site-A-v1" {
			t.Errorf("site %q: fileexists() of a FIFO is not false", got)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("fileexists() waited on a FIFO")
	}
}
