package lang

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"

	"github.com/exdr/exdr/internal/atomicfile"
)

// Every file the caches write (configuration entries and syntax slots) is
// sealed the same way: cacheMagic, the body, and the SHA-256 of both. The
// magic lets trimming tell the cache's files by their first bytes; the
// checksum lets a reader refuse an entry a crash or a hand damaged, which
// is why the write need not wait for the disk.

// maxCacheFile bounds what a cache file may hold: at 100,000 databases a
// configuration's entry is 19 MB and its syntax slot 50 MB.
const maxCacheFile = 1 << 30

// readCacheFile returns the body of the sealed file at path, or false
// when it is missing, not a regular file, not the cache's, or damaged.
func readCacheFile(path string) ([]byte, bool) {
	b, err := atomicfile.ReadRegular(path, maxCacheFile)
	if err != nil || len(b) < len(cacheMagic)+sha256.Size {
		return nil, false
	}
	sealed, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(sealed); !bytes.Equal(got[:], sum) {
		return nil, false
	}
	return bytes.CutPrefix(sealed, []byte(cacheMagic))
}

// writeCacheFile seals body and replaces the file at path with it. A file
// that cannot be written only costs the next load its work.
func writeCacheFile(path string, body []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return
	}
	b := make([]byte, 0, len(cacheMagic)+len(body)+sha256.Size)
	b = append(append(b, cacheMagic...), body...)
	sum := sha256.Sum256(b)
	_ = atomicfile.WriteUnsynced(path, append(b, sum[:]...), 0o600)
}
