package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// HashStream gives the file's SHA-256.
func TestHashStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "DB1.edb")
	data := make([]byte, 9<<20+123)
	for i := range data {
		data[i] = byte(i * 7)
	}
	os.WriteFile(path, data, 0o644)
	want := sha256.Sum256(data)
	sum, n, err := HashStream(context.Background(), path, int64(len(data)), nil)
	if err != nil || sum != hex.EncodeToString(want[:]) || n != int64(len(data)) {
		t.Fatalf("HashStream: %s %d %v", sum, n, err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, nil, 0o644)
	zero := sha256.Sum256(nil)
	if sum, n, err := HashStream(context.Background(), empty, 0, nil); err != nil || n != 0 || sum != hex.EncodeToString(zero[:]) {
		t.Fatalf("empty file: %s %d %v", sum, n, err)
	}
}

// A backup file cut short while it is hashed gives fewer bytes than the
// manifest's, which a restore refuses; never a crash.
func TestHashOfAFileCutShortWhileRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "DB1.edb")
	os.WriteFile(path, make([]byte, 64<<20), 0o644)
	_, n, err := HashStream(context.Background(), path, 64<<20, cutter(path))
	if err != nil || n >= 64<<20 {
		t.Fatalf("a file cut to nothing while hashed: %d bytes hashed, %v", n, err)
	}
}

// cutter is a progress that truncates the file after the first chunk.
type cutter string

func (c cutter) Update(done, total int64, unit string) {
	if done < total {
		os.Truncate(string(c), 0)
	}
}
