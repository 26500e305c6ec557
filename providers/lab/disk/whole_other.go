//go:build !unix

package disk

import (
	"io"
	"os"
)

func readWhole(path string, buf []byte, limit int64) ([]byte, error) {
	f, err := Open(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, ErrTooLarge
	}
	size := int(st.Size())
	if cap(buf) < size {
		buf = make([]byte, size)
	}
	buf = buf[:size]
	n, err := io.ReadFull(f, buf)
	if err != nil {
		return buf[:n], err
	}
	return buf, nil
}
