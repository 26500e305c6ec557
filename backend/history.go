package backend

import (
	"sort"
	"time"

	"github.com/exdr/exdr/providers"
)

// Run is one run taken under the lock, as the history shows it.
type Run struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"`
	Holder    string    `json:"holder,omitempty"`
	Started   time.Time `json:"started"`
	// Ended is when the run let go of its lock, or, from a journal alone,
	// when its last step ended; zero while it runs or if it never ended.
	Ended        time.Time `json:"ended,omitzero"`
	ConfigDigest string    `json:"config_digest,omitempty"`
	GitCommit    string    `json:"git_commit,omitempty"`
	// Steps counts the run's journal entries by event.
	Steps map[providers.JournalEvent]int `json:"steps"`
}

// Historian lists the runs a backend has kept, newest first, at most n
// (all for n <= 0).
type Historian interface {
	Runs(n int) ([]Run, error)
}

// RunsFromJournal are the runs a journal records, newest first: what a
// backend without a history of its own can tell.
func RunsFromJournal(entries []providers.JournalEntry, n int) []Run {
	byID := map[string]*Run{}
	var order []string
	for _, e := range entries {
		r := byID[e.Apply]
		if r == nil {
			r = &Run{ID: e.Apply, Operation: "apply", Started: e.Time, Steps: map[providers.JournalEvent]int{}}
			byID[e.Apply] = r
			order = append(order, e.Apply)
		}
		r.Steps[e.Event]++
		if e.Event != providers.JournalStart && e.Time.After(r.Ended) {
			r.Ended = e.Time
		}
	}
	out := make([]Run, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Started.After(out[j].Started) })
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// Runs are the runs of the directory's journal.
func (d *Dir) Runs(n int) ([]Run, error) {
	entries, _, err := d.Journal().Entries()
	if err != nil {
		return nil, err
	}
	return RunsFromJournal(entries, n), nil
}

// RunRecorder is a backend that keeps a row per run: a run without the
// lock (-lock=false) records itself through it.
type RunRecorder interface {
	RecordRun(info LockInfo) error
	EndRun(id string) error
}
