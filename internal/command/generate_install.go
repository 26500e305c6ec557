package command

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/exdr/exdr/generate"
)

// resolveExisting is path with the links of its longest existing prefix
// resolved: where files written under it really go.
func resolveExisting(path string) string {
	rest := ""
	for p := path; ; p = filepath.Dir(p) {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(real, rest)
		}
		if filepath.Dir(p) == p {
			return path
		}
		rest = filepath.Join(filepath.Base(p), rest)
	}
}

// installFiles puts files in dir. Everything is checked first: a
// symbolic link where a file or folder goes (exdr writes through none),
// a file where a folder goes. Then each file is written aside and linked
// into place, which fails rather than replace a file another run put
// there meanwhile. A different file already there (refused before,
// unless -overwrite) is first moved to NAME.TIME.previous, which
// keptAside says once all is in place; an identical one is left alone.
// A failure part-way takes back what this run put there: nothing is left
// half-written.
func installFiles(dir string, files []generate.File, overwrite bool, now time.Time, keptAside func(name, aside string)) error {
	if err := checkInstall(dir, files); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	staging, err := os.MkdirTemp(dir, ".exdr-generate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	var undo []func()
	type kept struct{ name, aside string }
	var asides []kept
	rollback := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	for i, f := range files {
		dest := filepath.Join(dir, filepath.FromSlash(f.Name))
		if old, err := os.ReadFile(dest); err == nil && overwrite && bytes.Equal(old, f.Data) {
			continue
		}
		staged := filepath.Join(staging, fmt.Sprint(i))
		if err := writeSynced(staged, f.Data); err != nil {
			rollback()
			return err
		}
		if parent := filepath.Dir(dest); !fileExists(parent) {
			if err := os.MkdirAll(parent, 0o755); err != nil {
				rollback()
				return err
			}
			undo = append(undo, func() { os.Remove(parent) })
		}
		if _, err := os.Lstat(dest); err == nil {
			if !overwrite {
				rollback()
				return fmt.Errorf("%s appeared while exdr generate wrote beside it (another exdr generate into %s?): nothing of this run is left there; run it again", dest, dir)
			}
			aside := asideName(dest, now)
			if err := os.Rename(dest, aside); err != nil {
				rollback()
				return fmt.Errorf("set %s aside: %w", dest, err)
			}
			undo = append(undo, func() { os.Rename(aside, dest) })
			asides = append(asides, kept{f.Name, aside})
		}
		if err := os.Link(staged, dest); err != nil {
			rollback()
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s appeared while exdr generate wrote beside it (another exdr generate into %s?): nothing of this run is left there; run it again", dest, dir)
			}
			return err
		}
		undo = append(undo, func() { os.Remove(dest) })
	}
	for _, k := range asides {
		keptAside(k.name, k.aside)
	}
	return nil
}

// checkInstall refuses, before anything is written, what installFiles would
// stop at.
func checkInstall(dir string, files []generate.File) error {
	if st, err := os.Lstat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("-out %s is not a folder", dir)
	}
	for _, f := range files {
		parts := strings.Split(f.Name, "/")
		p := dir
		for i, part := range parts {
			p = filepath.Join(p, part)
			st, err := os.Lstat(p)
			if errors.Is(err, fs.ErrNotExist) {
				break
			}
			if err != nil {
				return err
			}
			last := i == len(parts)-1
			switch {
			case st.Mode()&fs.ModeSymlink != 0:
				return fmt.Errorf("%s is a symbolic link: exdr generate writes through none; move it away or give another -out", p)
			case !last && !st.IsDir():
				return fmt.Errorf("%s is a file where exdr generate writes the folder %s: move it away or give another -out", p, part)
			case last && !st.Mode().IsRegular():
				return fmt.Errorf("%s is not a file: move it away or give another -out", p)
			}
		}
	}
	return nil
}

// asideName is where a file replaced at now is kept: NAME.TIME.previous,
// never over an earlier one.
func asideName(path string, now time.Time) string {
	stamp := now.UTC().Format("20060102T150405Z")
	aside := path + "." + stamp + ".previous"
	for i := 2; fileExists(aside); i++ {
		aside = fmt.Sprintf("%s.%s-%d.previous", path, stamp, i)
	}
	return aside
}

// writeSynced writes a new file and flushes it to disk.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
