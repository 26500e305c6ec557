package drill

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A link planted in the lab is not followed by the drill's copy (it
// copied what it pointed to, outside the lab); the lab's lock is left out.
func TestCopyTreeRefusesLinksAndSkipsTheLock(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	os.MkdirAll(filepath.Join(src, "servers", "MBX01"), 0o755)
	os.WriteFile(filepath.Join(src, "directory.json"), []byte("{}"), 0o644)
	os.WriteFile(filepath.Join(src, lockFile), []byte(`{"id":"x"}`), 0o644)
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, lockFile)); err == nil {
		t.Error("the lab's lock was copied")
	}
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("not the lab's"), 0o600)
	if err := os.Symlink(secret, filepath.Join(src, "servers", "planted")); err != nil {
		t.Skip(err)
	}
	dst2 := filepath.Join(t.TempDir(), "copy")
	err := copyTree(src, dst2)
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("copy with a planted link: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dst2, "servers", "planted")); err == nil {
		t.Error("what the link points to was copied")
	}
}

// A sparse file (a lab log generation, a drive filled in a test) is
// copied with its holes: the same bytes, the same size, and no more real
// disk than the original takes.
func TestCopyTreeKeepsHoles(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	f, err := os.Create(filepath.Join(src, "sparse.log"))
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("header"))
	f.WriteAt([]byte("middle"), 3<<20)
	f.Truncate(64 << 20) // ends in a hole
	f.Close()
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(src, "sparse.log"))
	b, err := os.ReadFile(filepath.Join(dst, "sparse.log"))
	if err != nil || string(a) != string(b) {
		t.Fatalf("the copy differs (%v)", err)
	}
	if used := diskUsed(t, filepath.Join(dst, "sparse.log")); used > 4<<20 {
		t.Errorf("the copy of a 64 MiB sparse file takes %d bytes of disk", used)
	}
}
