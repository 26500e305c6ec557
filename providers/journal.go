package providers

import "time"

// Journal is an append-only record of steps started and finished, kept
// by a backend (package backend) so that an interrupted apply can be
// understood and the next run can say what was interrupted.
// Append must be safe for concurrent use. An end entry (done, failed,
// skipped) is durable when Append returns; a start entry is written (a
// killed process keeps it) and made durable with the next end entry, so
// that a step costs one sync, not two: a power cut in between loses only
// the news that the step had begun, and the next plan is made from the
// organization as it is, whatever the step did.
type Journal interface {
	Append(e JournalEntry) error
	// Entries returns every entry in the order appended. A line that
	// cannot be read (a crash mid-write, a damaged disk) is left out and
	// described in skipped, and the lines after it are still read.
	Entries() (entries []JournalEntry, skipped []string, err error)
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
