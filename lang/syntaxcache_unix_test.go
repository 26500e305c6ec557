//go:build unix

package lang

import (
	"os"
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
