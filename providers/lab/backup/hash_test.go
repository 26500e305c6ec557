package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// HashStream gives the file's SHA-256, mapped or read.
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

// A backup file cut short while it is hashed is an error, never a crash.
func TestHashOfAFileCutShortWhileMapped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "DB1.edb")
	os.WriteFile(path, make([]byte, 64<<20), 0o644)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cut := &cutter{path: path}
	_, _, ok, err := hashMapped(context.Background(), f, cut, 64<<20, nil)
	if !ok || err == nil {
		t.Fatalf("a file cut to nothing while hashed: ok %v, err %v; want an error", ok, err)
	}
}

// cutter is a hash that truncates the file after the first chunk.
type cutter struct {
	path    string
	cutDone bool
	sink    byte
}

func (c *cutter) Write(p []byte) (int, error) {
	if !c.cutDone {
		c.cutDone = true
		os.Truncate(c.path, 0)
	}
	var x byte
	for i := 0; i < len(p); i += 4096 {
		x ^= p[i] // touches every page, as a hash does
	}
	c.sink = x
	return len(p), nil
}
func (c *cutter) Sum(b []byte) []byte { return b }
func (c *cutter) Reset()              {}
func (c *cutter) Size() int           { return 32 }
func (c *cutter) BlockSize() int      { return 64 }
