package host

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// listFolder gives what os.ReadDir and Lstat give: every name, in order,
// with its type and a regular file's size, links never followed, in a
// folder larger than one read of the kernel's listing.
func TestListFolderAgreesWithReadDir(t *testing.T) {
	dir := t.TempDir()
	for i := range 3000 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("file-%04d-with-a-longer-name.edb", i)), make([]byte, i%97), 0o644)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Symlink("file-0001-with-a-longer-name.edb", filepath.Join(dir, "link"))
	os.Symlink(t.TempDir(), filepath.Join(dir, "dirlink"))
	syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644)
	os.WriteFile(filepath.Join(dir, "O'Brien ’ $(x)"), []byte("x"), 0o644)
	got, err := listFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		info, _ := os.Lstat(filepath.Join(dir, w.Name()))
		size := int64(0)
		if info.Mode().IsRegular() {
			size = info.Size()
		}
		if g.Name() != w.Name() || g.Type()&(fs.ModeDir|fs.ModeSymlink) != w.Type()&(fs.ModeDir|fs.ModeSymlink) ||
			g.Type().IsRegular() != w.Type().IsRegular() || g.Size() != size {
			t.Errorf("entry %d: %q %v %d, want %q %v %d", i, g.Name(), g.Type(), g.Size(), w.Name(), w.Type(), size)
		}
	}
	if _, err := listFolder(filepath.Join(dir, "dirlink")); err == nil {
		t.Error("a link to a folder was listed, not refused")
	}
}
