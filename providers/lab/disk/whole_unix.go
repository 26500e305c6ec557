//go:build unix

package disk

import (
	"errors"
	"io/fs"
	"syscall"
)

// readWhole uses the system calls themselves: os.Open would register each
// file with the runtime's poller (two fcntl and a failed epoll_ctl per
// file), which at ten thousand databases costs more than reading them.
func readWhole(path string, buf []byte, limit int64) ([]byte, error) {
	var fd int
	var err error
	for {
		// O_NONBLOCK: a FIFO in the file's place is refused below, not
		// waited on; on a regular file it changes nothing.
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
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("not a regular file")}
	}
	if st.Size > limit {
		return nil, ErrTooLarge
	}
	size := int(st.Size)
	if cap(buf) < size {
		buf = make([]byte, size)
	}
	buf = buf[:size]
	for off := 0; off < size; {
		n, err := syscall.Pread(fd, buf[off:], int64(off))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf[:off], nil // truncated while read: what is there now
		}
		off += n
	}
	return buf, nil
}
