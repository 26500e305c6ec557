package providers

import "time"

// Journaled is implemented by providers that keep a journal of applies
// beside the organization, so that an interrupted apply can be understood
// and the next run can say what was interrupted.
type Journaled interface {
	Journal() Journal
}

// Journal is an append-only record of steps started and finished.
// Append must be safe for concurrent use and durable when it returns.
type Journal interface {
	Append(e JournalEntry) error
	// Entries returns every entry in the order appended.
	Entries() ([]JournalEntry, error)
}

// JournalEvent is what happened to a step.
//
//	start    the step began; no end entry means it was interrupted
//	done     the step succeeded
//	failed   the step returned an error
//	skipped  a step it depends on failed, so it never started
type JournalEvent string

const (
	JournalStart   JournalEvent = "start"
	JournalDone    JournalEvent = "done"
	JournalFailed  JournalEvent = "failed"
	JournalSkipped JournalEvent = "skipped"
)

// JournalEntry is one line of the journal.
type JournalEntry struct {
	Time  time.Time    `json:"time"`
	Apply string       `json:"apply"` // the apply's lock ID
	Step  string       `json:"step,omitempty"`
	Event JournalEvent `json:"event"`
	Error string       `json:"error,omitempty"`
}
