package run

import "github.com/exdr/exdr/providers"

// Previous is what the journal says of the run before this one.
type Previous struct {
	// Apply is the ID of the last run in the journal.
	Apply string
	// Unfinished are the steps it started and never ended, in the order
	// they started: what a crash or a kill -9 cut short.
	Unfinished []string
	// Skipped describes journal lines that could not be read.
	Skipped []string
}

// ReadPrevious reads the journal for the last run's unfinished steps.
// Lines that cannot be read are skipped (and named), so one damaged line
// does not hide the runs after it.
func ReadPrevious(j providers.Journal) (Previous, error) {
	entries, skipped, err := j.Entries()
	prev := Previous{Skipped: skipped}
	if err != nil || len(entries) == 0 {
		return prev, err
	}
	prev.Apply = entries[len(entries)-1].Apply
	open := map[string]bool{}
	var order []string
	for _, e := range entries {
		if e.Apply != prev.Apply {
			continue
		}
		switch e.Event {
		case providers.JournalStart:
			if !open[e.Step] {
				order = append(order, e.Step)
			}
			open[e.Step] = true
		case providers.JournalDone, providers.JournalFailed:
			delete(open, e.Step)
		}
	}
	for _, s := range order {
		if open[s] {
			prev.Unfinished = append(prev.Unfinished, s)
			delete(open, s)
		}
	}
	return prev, nil
}

// Owed reads the journal for the owed steps (providers.Step.Owed) that an
// apply planned and none has done since: what the planner must plan
// again (planner.Options.Owed), by step ID. Lines that cannot be read are
// passed over, as ReadPrevious does.
func Owed(j providers.Journal) (map[string]bool, error) {
	entries, _, err := j.Entries()
	if err != nil {
		return nil, err
	}
	var owed map[string]bool
	for _, e := range entries {
		switch {
		case e.Event == providers.JournalPlanned:
			if owed == nil {
				owed = map[string]bool{}
			}
			owed[e.Step] = true
		case e.Event == providers.JournalDone && owed[e.Step]:
			delete(owed, e.Step)
		}
	}
	return owed, nil
}
