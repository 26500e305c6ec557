package host

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/exdr/exdr/providers/lab/disk"
)

// LinkError is a symbolic link found where the lab keeps a file or
// folder of its own (disk.LinkError).
type LinkError = disk.LinkError

// CheckInside refuses a path that leaves the lab's folder, or that passes
// through a symbolic link below it. Folders found to be real are
// remembered for the life of the Lab value (one command).
func (l *Host) CheckInside(path string) error {
	rel, err := filepath.Rel(l.root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fmt.Errorf("%s is outside the lab at %s: the lab refuses it", path, l.root)
	}
	cur := l.root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, part)
		if _, ok := l.realDirs.Load(cur); ok {
			continue
		}
		st, err := os.Lstat(cur)
		if err != nil {
			return nil // not there yet: nothing below it can be a link
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return &LinkError{Path: cur}
		}
		if st.IsDir() {
			l.realDirs.Store(cur, true)
		}
	}
	return nil
}

// CheckTree refuses links among the lab's own top folders and files: its
// root's entries, each server's folder and what it holds (store.json,
// transport.json, adam.xml, disks). Paths under a server's disks are
// checked as they are used (HostPath). It looks once per Lab value.
func (l *Host) CheckTree() error {
	l.treeOnce.Do(func() {
		l.treeErr = l.scanLinks(l.root, 2)
	})
	return l.treeErr
}

func (l *Host) scanLinks(dir string, depth int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // not there (yet)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if e.Type()&os.ModeSymlink != 0 {
			return &LinkError{Path: path}
		}
		if e.IsDir() && depth > 0 {
			if err := l.scanLinks(path, depth-1); err != nil {
				return err
			}
		}
	}
	return nil
}
