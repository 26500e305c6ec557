package host

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/disk"
)

// DefaultCapacity is the size of a lab drive that has not been given one.
const DefaultCapacity = 2 * org.TeraByte

// A drive's capacity is set with "exdr lab disk" and kept in a file
// beside its contents; what it holds is the logical size of its files (a
// log generation counts its full megabyte, as Exchange preallocates it).
const capacityFile = ".exdr-capacity"

func (l *Host) DriveDir(server, drive string) string {
	return filepath.Join(l.DisksDir(server), strings.ToUpper(drive))
}

// SetCapacity gives a server's drive a size.
func (l *Host) SetCapacity(server, drive string, size org.Size) error {
	dir := l.DriveDir(server, drive)
	if _, err := os.Stat(l.DisksDir(server)); err != nil {
		return fmt.Errorf("server %s has no disks in the lab", server)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// A disk is never smaller than what it holds.
	used, err := usedOn(dir)
	if err != nil {
		return err
	}
	if size < used {
		return fmt.Errorf("%s: of %s holds %s already: give it at least that", strings.ToUpper(drive), server, used)
	}
	return disk.WriteAtomic(filepath.Join(dir, capacityFile), []byte(size.String()+"\n"))
}

// Free returns a drive's capacity less what its files take, never less
// than nothing (files put there by hand may hold more than its size).
func (l *Host) Free(server, drive string) (org.Size, error) {
	dir := l.DriveDir(server, drive)
	used, err := usedOn(dir)
	return max(capacity(dir)-used, 0), err
}

// usedOn is what the files of a drive's folder take.
func usedOn(dir string) (org.Size, error) {
	var used int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() && d.Name() != capacityFile {
			if info, err := d.Info(); err == nil {
				used += info.Size()
			}
		}
		return nil
	})
	return org.Size(used), err
}

// Capacity is a server's drive's size.
func (l *Host) Capacity(server, drive string) org.Size { return capacity(l.DriveDir(server, drive)) }

// capacity is a drive's size: DefaultCapacity, or what SetCapacity gave it.
func capacity(dir string) org.Size {
	if b, err := os.ReadFile(filepath.Join(dir, capacityFile)); err == nil {
		if c, err := org.ParseSize(strings.TrimSpace(string(b))); err == nil {
			return c
		}
	}
	return DefaultCapacity
}

// Drives lists the Drives of a server that hold anything.
func (l *Host) Drives(server string) []string {
	entries, _ := os.ReadDir(l.DisksDir(server))
	var out []string
	for _, e := range entries {
		if e.IsDir() && len(e.Name()) == 1 {
			out = append(out, e.Name())
		}
	}
	return out
}

// EnsureFree refuses an operation that would write more to the drive of
// winPath than it has room for, as a full disk would.
func (l *Host) EnsureFree(server, winPath string, need int64, what string) error {
	drive := winPath[:1]
	free, err := l.Free(server, drive)
	if err != nil {
		return err
	}
	if org.Size(need) > free {
		return fmt.Errorf("%s needs %s on %s: of %s, but %s is free", what, org.Size(need), strings.ToUpper(drive), server, free)
	}
	return nil
}
