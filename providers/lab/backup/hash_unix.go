//go:build unix

package backup

import (
	"context"
	"encoding/hex"
	"fmt"
	"hash"
	"os"
	"runtime/debug"
	"syscall"

	"github.com/exdr/exdr/providers"
)

// hashMapped hashes the file through a mapping of it: the hash reads the
// page cache itself, with no copy into a buffer, which is what lets a
// restore's check keep pace with its copy. ok is false where the file
// cannot be mapped (empty, or too large for the address space), and the
// caller reads it instead.
func hashMapped(ctx context.Context, f *os.File, h hash.Hash, total int64, progress providers.Progress) (sum string, n int64, ok bool, err error) {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 || st.Size() != int64(int(st.Size())) {
		return "", 0, false, nil
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return "", 0, false, nil
	}
	defer syscall.Munmap(m)
	// A file cut short while mapped faults on the pages it lost: with
	// SetPanicOnFault that is a panic, recovered here as an error, not
	// the end of exdr.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			sum, ok, err = "", true, fmt.Errorf("%s changed while it was read: %v", f.Name(), r)
		}
	}()
	const step = 4 << 20
	for off := 0; off < len(m); off += step {
		if err := ctx.Err(); err != nil {
			return "", n, true, err
		}
		end := min(off+step, len(m))
		h.Write(m[off:end])
		n = int64(end)
		if progress != nil {
			progress.Update(n, total, "bytes")
		}
	}
	return hex.EncodeToString(h.Sum(nil)), n, true, nil
}
