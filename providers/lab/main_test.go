package lab

import (
	"os"
	"testing"

	"github.com/exdr/exdr/providers/lab/host"
)

// TestMain reads every lab update of these tests back from disk and
// compares it with what the update left in memory (host.VerifyWrites):
// a change the directory's log would lose fails the test that made it.
func TestMain(m *testing.M) {
	host.VerifyWrites = true
	os.Exit(m.Run())
}
