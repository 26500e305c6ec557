package disk

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

func CopyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := Open(src, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := Open(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// MoveAside renames a file into an exdr-aside folder beside it, stamped
// with the time, and returns the new path. Nothing exdr replaces is lost.
func MoveAside(path string, now time.Time) (string, error) {
	dst, err := AsidePath(path, now)
	if err != nil {
		return "", err
	}
	return dst, os.Rename(path, dst)
}

// AsidePath makes the exdr-aside folder for a file set aside at now and
// returns the path the file takes there.
func AsidePath(path string, now time.Time) (string, error) {
	dir := filepath.Join(filepath.Dir(path), "exdr-aside", now.UTC().Format("20060102T150405.000000000Z"))
	if err := RefuseLinks(filepath.Dir(dir), dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.Base(path)), nil
}

// KeepAside keeps the file at path in an exdr-aside folder beside it
// while it stays in place, so that a replacement can then be renamed over
// it in one step: a hard link where the file system has them, a copy
// where not. A kill at any instant leaves the file at its path.
func KeepAside(path string, now time.Time) (string, error) {
	dst, err := AsidePath(path, now)
	if err != nil {
		return "", err
	}
	if err := os.Link(path, dst); err == nil {
		return dst, nil
	}
	return dst, CopyFile(path, dst)
}

// CopyAside copies a file into an exdr-aside folder beside it before a
// step changes it in place.
func CopyAside(path string, now time.Time) (string, error) {
	dst, err := AsidePath(path, now)
	if err != nil {
		return "", err
	}
	return dst, CopyFile(path, dst)
}

// MoveFiles renames each file that exists into dir, refusing to replace
// any file there.
func MoveFiles(files []string, dir string) error {
	if err := RefuseLinks(filepath.Dir(dir), dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		dst := filepath.Join(dir, filepath.Base(f))
		if _, err := os.Stat(dst); err == nil {
			return fmt.Errorf("%s exists already: it is never replaced", dst)
		}
		if err := os.Rename(f, dst); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
