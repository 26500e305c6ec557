package lang

import (
	"os"
	"testing"

	"github.com/exdr/exdr/internal/benchgen"
)

// TestWriteGenerated writes the benchmark's configuration to the directory
// in EXDR_GENERATE, to measure the CLI on it; EXDR_BENCH_SERVERS sets its
// size (200 servers of 50 databases by default):
//
//	EXDR_GENERATE=/tmp/big go test ./lang -run WriteGenerated
//	/usr/bin/time -v exdr validate /tmp/big
func TestWriteGenerated(t *testing.T) {
	dir := os.Getenv("EXDR_GENERATE")
	if dir == "" {
		t.Skip("set EXDR_GENERATE to a directory to write the generated configuration")
	}
	if err := benchgen.Write(dir, benchgen.Files(benchgen.Servers(200), 10, 5)); err != nil {
		t.Fatal(err)
	}
}
