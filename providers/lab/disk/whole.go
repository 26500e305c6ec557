package disk

import "errors"

// ErrTooLarge is ReadWhole's answer for a file larger than it was allowed
// to hold in memory: read it in parts instead.
var ErrTooLarge = errors.New("the file is too large to read whole")

// ReadWhole reads the file at path into buf (grown if it is too small)
// through one open and as few reads as the kernel allows, and returns the
// bytes. A link in the file's place is refused (LinkError); a file larger
// than limit is not read (ErrTooLarge). Plans read every database this
// way: an open file per database costs more than its bytes.
func ReadWhole(path string, buf []byte, limit int64) ([]byte, error) {
	return readWhole(path, buf, limit)
}
