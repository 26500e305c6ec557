package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// ErrNotRegular is ReadRegular's answer for a path that holds something
// other than a regular file.
var ErrNotRegular = errors.New("not a regular file")

// ReadRegular reads the file at path whole, if it is a regular file of at
// most limit bytes. A FIFO or a device in its place is refused, not waited
// on: what a program reads back from its own files (a cache) must not let
// a hand-made FIFO hang it.
func ReadRegular(path string, limit int64) ([]byte, error) {
	// O_NONBLOCK lets the open of a FIFO return at once; on a regular
	// file it changes nothing.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &os.PathError{Op: "read", Path: path, Err: ErrNotRegular}
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d allowed", path, st.Size(), limit)
	}
	// One byte more than the size, to see a file that grew meanwhile.
	b := make([]byte, st.Size()+1)
	n, err := io.ReadFull(f, b)
	if err == nil {
		return nil, fmt.Errorf("%s grew while it was read", path)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:n], nil
}
