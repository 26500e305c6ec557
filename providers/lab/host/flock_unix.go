//go:build unix

package host

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// lockLog takes the lock every exdr process on this lab takes to change
// its directory (exclusive) or to read it (shared): flock on
// directory.log, which a fold empties but never replaces. A reader takes
// nothing when there is no log yet, so that a read writes nothing.
func (l *Host) lockLog(exclusive bool) (unlock func(), err error) {
	flag, how := os.O_RDONLY, syscall.LOCK_SH
	if exclusive {
		flag, how = os.O_RDWR|os.O_CREATE, syscall.LOCK_EX
	}
	f, err := os.OpenFile(l.logPath(), flag|syscall.O_NOFOLLOW, 0o644)
	if errors.Is(err, fs.ErrNotExist) && !exclusive {
		return func() {}, nil
	}
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
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
