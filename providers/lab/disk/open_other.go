//go:build !unix

package disk

import "os"

func open(path string, flag int, perm os.FileMode) (*os.File, error) {
	if st, err := os.Lstat(path); err == nil && st.Mode()&os.ModeSymlink != 0 {
		return nil, &LinkError{Path: path}
	}
	return os.OpenFile(path, flag, perm)
}
