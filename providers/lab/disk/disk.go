package disk

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/exdr/exdr/internal/atomicfile"
)

// LinkError is a symbolic link found where the lab keeps a file or folder
// of its own. The lab never follows one: a link planted inside it could
// lead a mount, a replay or a restore to write outside the lab.
type LinkError struct{ Path string }

func (e *LinkError) Error() string {
	return fmt.Sprintf("a symbolic link stands at %s, where the lab keeps a file or folder of its own: exdr does not follow it, as it could lead outside the lab; remove the link (or put the real file there)", e.Path)
}

// Open is os.OpenFile for the lab's own files: a link in the file's
// place is refused.
func Open(path string, flag int, perm os.FileMode) (*os.File, error) {
	return open(path, flag, perm)
}

// RefuseLinks refuses any of the paths that is a symbolic link: the
// folders the lab makes for itself (exdr-aside, exdr-restore) inside a
// checked one, where a planted link would lead its writes outside.
func RefuseLinks(paths ...string) error {
	for _, p := range paths {
		if st, err := os.Lstat(p); err == nil && st.Mode()&os.ModeSymlink != 0 {
			return &LinkError{Path: p}
		}
	}
	return nil
}

// WriteAtomic writes a file of the lab's whole: its folder made if need
// be, the data written beside it and renamed over it (atomicfile).
func WriteAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o644)
}
