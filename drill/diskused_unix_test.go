//go:build unix

package drill

import (
	"os"
	"syscall"
	"testing"
)

// diskUsed is what a file takes on the disk, holes not counted.
func diskUsed(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		t.Skip("no block count on this system")
	}
	return st.Blocks * 512
}
