//go:build unix

package disk

import (
	"errors"
	"io"
	"io/fs"
	"syscall"
)

// Reader is a lab file opened for reading at offsets, as OpenReader
// opens it.
type Reader struct {
	fd   int
	path string
}

// OpenReader opens a lab file for reading as Open does (a link in its
// place refused, a FIFO or a device refused rather than waited on), but
// holds the bare descriptor: os.NewFile asks the kernel the descriptor's
// flags, which a plan reading two thousand log streams pays for each.
func OpenReader(path string) (*Reader, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err == syscall.ELOOP {
		return nil, &LinkError{Path: path}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		syscall.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.New("not a regular file")}
	}
	return &Reader{fd: fd, path: path}, nil
}

// ReadAt reads len(b) bytes from off, as io.ReaderAt: fewer only at the
// end of the file (io.EOF) or on an error.
func (r *Reader) ReadAt(b []byte, off int64) (int, error) {
	done := 0
	for done < len(b) {
		n, err := syscall.Pread(r.fd, b[done:], off+int64(done))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return done, &fs.PathError{Op: "read", Path: r.path, Err: err}
		}
		if n == 0 {
			return done, io.EOF
		}
		done += n
	}
	return done, nil
}

func (r *Reader) Close() error { return syscall.Close(r.fd) }
