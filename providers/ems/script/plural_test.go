package script

import (
	"strings"
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// A drain or a rotation that leaves one message queued says "1 message
// is still queued", not "1 messages are" (the count is PowerShell's, so
// the script chooses the words).
func TestQueuedMessagesAgreeInNumber(t *testing.T) {
	for _, v := range []providers.Verb{providers.VerbDrainQueue, providers.VerbRotateQueue} {
		sc, err := For(&providers.Step{Verb: v, Identity: org.Identity(`HUB01\mail.que`), Args: map[string]string{"queue_server": "HUB01"}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sc.PowerShell, "$what = ' messages are'; if ($left -eq 1) { $what = ' message is' }; throw ([string]$left + $what + ' still queued on ' + 'HUB01'") ||
			strings.Contains(sc.PowerShell, "' messages are still queued") {
			t.Errorf("%s: the count of messages left does not choose its words:\n%s", v, sc.PowerShell)
		}
	}
}
