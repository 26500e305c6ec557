//go:build unix

package emsfake

import (
	"os"
	"syscall"
)

// lockState takes an exclusive lock on the organization kept at path,
// waiting for any other fakepowershell holding it: flock on path+".lock",
// a file beside it that is created once and never replaced (the state
// file itself is rewritten, so it cannot carry the lock).
func lockState(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
