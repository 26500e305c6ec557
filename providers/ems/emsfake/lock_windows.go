//go:build windows

package emsfake

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockState takes an exclusive lock on the organization kept at path,
// waiting for any other fakepowershell holding it: LockFileEx on the
// first byte of path+".lock", a file beside it that is created once and
// never replaced.
func lockState(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	h := windows.Handle(f.Fd())
	if err := windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, new(windows.Overlapped)); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		windows.UnlockFileEx(h, 0, 1, 0, new(windows.Overlapped))
		f.Close()
	}, nil
}
