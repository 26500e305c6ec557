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

// CheckAllLinks refuses a symbolic link anywhere in the lab, its root
// and the folder that holds the root included. The lab's own commands
// (break, crash, disk, backup) write and delete by path: with a link
// planted at servers, "lab break lose-server" deleted a folder outside
// the lab. The read and apply check what they touch as they go
// (CheckTree, CheckInside, the survey); a lab command, run by hand and
// not timed, looks at everything first.
func (l *Host) CheckAllLinks() error {
	if err := disk.RefuseLinks(filepath.Dir(l.root)); err != nil {
		return err
	}
	return filepath.WalkDir(l.root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil // gone meanwhile, or not there yet
		}
		if d.Type()&os.ModeSymlink != 0 {
			return &LinkError{Path: path}
		}
		return nil
	})
}
