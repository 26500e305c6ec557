//go:build !linux

package host

import "os"

// listFolder lists dir with each regular file's size, without following
// a link.
func listFolder(dir string) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(des))
	for _, de := range des {
		e := Entry{name: de.Name(), mode: de.Type()}
		if e.mode.IsRegular() {
			if info, err := de.Info(); err == nil {
				e.size = info.Size()
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}
