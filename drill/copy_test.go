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
