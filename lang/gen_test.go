package lang

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteGenerated writes the benchmark's configuration to the directory
// in EXDR_GENERATE, to measure the CLI on it:
//
//	EXDR_GENERATE=/tmp/big go test ./lang -run WriteGenerated
//	/usr/bin/time -v exdr validate /tmp/big
func TestWriteGenerated(t *testing.T) {
	dir := os.Getenv("EXDR_GENERATE")
	if dir == "" {
		t.Skip("set EXDR_GENERATE to a directory to write the generated configuration")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range generatedOrg(200, 10, 5) {
		if err := os.WriteFile(filepath.Join(dir, s.Filename), s.Bytes, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
