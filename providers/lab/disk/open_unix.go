//go:build unix

package disk

import (
	"io/fs"
	"os"
	"syscall"
)

// open asks the kernel not to follow a link in the file's place
// (O_NOFOLLOW: one system call instead of a check and an open), and wraps
// the descriptor without registering it with the runtime's poller, which
// for a regular file costs four fcntl and a failed epoll_ctl for nothing.
func open(path string, flag int, perm os.FileMode) (*os.File, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, flag|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, uint32(perm.Perm()))
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
	return os.NewFile(uintptr(fd), path), nil
}
