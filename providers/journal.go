package providers

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

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
//	planned  an owed step (Step.Owed) is in the run's plan: journaled
//	         before any step runs
//	start    the step began; no end entry means it was interrupted
//	done     the step succeeded
//	failed   the step returned an error
//	skipped  a step it depends on failed, so it never started
type JournalEvent string

const (
	JournalPlanned JournalEvent = "planned"
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
	// Output is what the step's commands printed (an ems script's
	// output), on its end's entry; empty when they printed nothing.
	Output string `json:"output,omitempty"`
}

type outputKey struct{}

// stepOutput collects what a step's commands printed.
type stepOutput struct {
	mu  sync.Mutex
	buf strings.Builder
}

// MaxStepOutput is how much of a step's output the journal keeps: the
// end of it, where a failure's cause is.
const MaxStepOutput = 64 << 10

// WithStepOutput gives a step's context a place for what its commands
// print; StepOutput reads it back once the step has ended.
func WithStepOutput(ctx context.Context) context.Context {
	return context.WithValue(ctx, outputKey{}, &stepOutput{})
}

// RecordOutput keeps text a step's command printed (a provider calls it
// with a script's output), for the journal. Without a place for it in
// ctx, it is dropped.
func RecordOutput(ctx context.Context, text string) {
	o, ok := ctx.Value(outputKey{}).(*stepOutput)
	if !ok || text == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.WriteString(text)
	if !strings.HasSuffix(text, "\n") {
		o.buf.WriteByte('\n')
	}
}

// StepOutput is what was recorded in ctx: its last MaxStepOutput bytes,
// cut at a line.
func StepOutput(ctx context.Context) string {
	o, ok := ctx.Value(outputKey{}).(*stepOutput)
	if !ok {
		return ""
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.buf.String()
	if len(s) > MaxStepOutput {
		s = s[len(s)-MaxStepOutput:]
		if i := strings.IndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
			s = s[i+1:] // from a line's start
		} else {
			for len(s) > 0 && !utf8.RuneStart(s[0]) {
				s = s[1:] // one long line: from a character's start
			}
		}
		s = "...\n" + s
	}
	return s
}
