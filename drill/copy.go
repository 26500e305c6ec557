package drill

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// lockFile is the lab's lock (package backend keeps it in the lab's
// directory).
const lockFile = "lock.json"

// copyTree copies a lab directory into an empty one, keeping modes.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if rel == lockFile {
			return nil // the lab's lock, held by the drill copying it: not the copy's
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !d.IsDir() && !info.Mode().IsRegular() {
			// A link could lead the copy outside the lab (or to a device
			// that never ends); a FIFO would block it.
			return fmt.Errorf("%s in the lab is %s, not a file: the drill does not copy it; remove it", path, describeMode(info.Mode()))
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, info.Mode().Perm())
		if err != nil {
			return err
		}
		if err := copySparse(out, in, info.Size()); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// copySparse copies a file, leaving holes where it holds blocks of zeros:
// the lab's log generations are sparse (preallocated to their full size),
// and so are drives filled by hand in a test; copied whole, a drill's copy
// would take their logical size on the real disk.
func copySparse(out, in *os.File, size int64) error {
	buf := make([]byte, 64<<10)
	var off int64
	for {
		n, err := in.Read(buf)
		if n > 0 {
			if isZero(buf[:n]) {
				if _, serr := out.Seek(int64(n), io.SeekCurrent); serr != nil {
					return serr
				}
			} else if _, werr := out.Write(buf[:n]); werr != nil {
				return werr
			}
			off += int64(n)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	// A file ending in a hole gets its size from the truncate.
	return out.Truncate(max(off, size))
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func describeMode(m os.FileMode) string {
	switch {
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
