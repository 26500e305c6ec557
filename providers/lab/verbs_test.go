package lab

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/exdr/exdr/providers"
)

// The lab carries out every verb in providers.Verbs: a verb added to the
// table without a lab implementation fails here. (Whether each does its
// work right is the business of the other tests; here a step with
// arguments that name nothing may fail, but never as an unknown verb.)
func TestLabKnowsEveryVerb(t *testing.T) {
	l := newLab(t)
	for _, spec := range providers.Verbs {
		for _, onQueue := range []bool{false, true} {
			queue := slices.Contains(spec.Needs, "queue_server")
			if onQueue && !queue && spec.Verb != providers.VerbReplayLogs && spec.Verb != providers.VerbRepairDatabase && spec.Verb != providers.VerbDefragment {
				continue
			}
			if !onQueue && queue {
				continue
			}
			args := map[string]string{}
			for _, need := range spec.Needs {
				args[need] = "x"
			}
			if onQueue {
				args["queue_server"] = "HUB09"
			}
			err := l.Apply(context.Background(), &providers.Step{Verb: spec.Verb, Identity: `MBX09\SG9\DB9`, Args: args}, nil)
			if err != nil && strings.Contains(err.Error(), "cannot carry out") {
				t.Errorf("%s (on a queue database: %v): %v", spec.Verb, onQueue, err)
			}
		}
	}
	if err := l.Apply(context.Background(), &providers.Step{Verb: "format_disk", Identity: `MBX09`}, nil); err == nil || !strings.Contains(err.Error(), "cannot carry out") {
		t.Errorf("an unknown verb: %v", err)
	}
}
