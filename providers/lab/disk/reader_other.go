//go:build !unix

package disk

import (
	"errors"
	"io/fs"
	"os"
)

// Reader is a lab file opened for reading at offsets, as OpenReader
// opens it.
type Reader struct{ *os.File }

// OpenReader opens a lab file for reading as Open does, refusing what is
// not a regular file.
func OpenReader(path string) (*Reader, error) {
	f, err := open(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.New("not a regular file")}
	}
	return &Reader{f}, nil
}
