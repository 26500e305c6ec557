//go:build unix

package disk

import (
	"errors"
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
		fd, err = syscall.Open(path, flag|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, uint32(perm.Perm()))
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
	// Opened without waiting (O_NONBLOCK), so that a FIFO or a device in
	// the place of a lab file is refused here rather than waited on.
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if kind := st.Mode & syscall.S_IFMT; kind != syscall.S_IFREG && kind != syscall.S_IFDIR {
		syscall.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.New("not a regular file: the lab keeps only files and folders")}
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		syscall.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
