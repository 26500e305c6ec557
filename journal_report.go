package main

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/providers"
)

// interrupted returns the steps the last apply in the journal started and
// never ended, with that apply's ID: what a crash or a kill cut short.
func interrupted(j providers.Journal) (apply string, steps []string, err error) {
	entries, err := j.Entries()
	if err != nil || len(entries) == 0 {
		return "", nil, err
	}
	apply = entries[len(entries)-1].Apply
	open := map[string]bool{}
	var order []string
	for _, e := range entries {
		if e.Apply != apply {
			continue
		}
		switch e.Event {
		case providers.JournalStart:
			open[e.Step] = true
			order = append(order, e.Step)
		case providers.JournalDone, providers.JournalFailed:
			delete(open, e.Step)
		}
	}
	for _, s := range order {
		if open[s] {
			steps = append(steps, s)
		}
	}
	return apply, steps, nil
}

// reportInterrupted tells the user, before a new apply, what the previous
// one left unfinished. Every step is idempotent and the new plan is made
// from the organization as it is now, so nothing needs undoing by hand.
func reportInterrupted(prov providers.Provider, s *streams) {
	j, ok := prov.(providers.Journaled)
	if !ok {
		return
	}
	apply, steps, err := interrupted(j.Journal())
	if err != nil || len(steps) == 0 {
		return
	}
	fmt.Fprintf(s.stdout, "The previous apply (%s) was interrupted while these steps ran: %s.\n"+
		"This plan is made from the organization as it is now; those steps are safe to run again.\n\n",
		apply, strings.Join(steps, ", "))
}
