package ese

import (
	"os"
	"path/filepath"
	"testing"
)

// A kill after the checkpoint names a new generation and before
// Enntmp.log is given that name left the generation missing for good:
// the next write skipped past it, and a crash then needed a repair that
// lost every item (adversarial review). The generation is the temporary
// file's: read as present, and named at the next write.
func TestGenerationLeftAsTmpIsFinished(t *testing.T) {
	s := &Stream{Dir: t.TempDir(), Prefix: "E00", Sig: 42}
	if err := s.Create(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append([]byte("change")); err != nil {
		t.Fatal(err)
	}
	// NewGeneration(2) killed after its checkpoint and its Enntmp.log.
	if err := s.WriteChk(1, 2); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "E00tmp.log"), s.Header(2), 0o644); err != nil {
		t.Fatal(err)
	}
	h, _, err := s.Inspect()
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Missing) > 0 || h.OnDisk.High != 2 {
		t.Errorf("missing %v, newest on disk %d; want none missing, 2", h.Missing, h.OnDisk.High)
	}
	cur, err := s.EnsureCurrent()
	if err != nil || cur != 2 {
		t.Fatalf("current %d, %v; want 2", cur, err)
	}
	if _, err := os.Stat(s.LogPath(2)); err != nil {
		t.Error("generation 2 was not named:", err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "E00tmp.log")); err == nil {
		t.Error("Enntmp.log is left")
	}
}
