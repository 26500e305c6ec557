package backend

import "time"

// DrillRecord is one drill's report as a backend keeps it: the figures
// the history lists, and the whole report as its JSON file holds it.
type DrillRecord struct {
	Drill        string
	Started      time.Time
	Verdict      string
	EstimatedRTO time.Duration
	Lost         int
	Report       []byte // the report's JSON
}

// DrillKeeper is a backend that keeps the organization's drill reports
// and the rates its drills measured, so that a team shares them; without
// one they are files under drills/ beside the configuration.
type DrillKeeper interface {
	// SaveDrill keeps a report; the same drill and start time twice is
	// kept once.
	SaveDrill(rec DrillRecord) error
	// Drills are the reports kept, oldest first.
	Drills() ([]DrillRecord, error)
	// Estimates is the rates document (drills/estimates.json's format),
	// nil when no drill has measured anything yet.
	Estimates() ([]byte, error)
	// UpdateEstimates replaces the rates document with what learn makes
	// of the one kept (nil when none), with no other update in between:
	// two drills finishing at once both count.
	UpdateEstimates(learn func(old []byte) ([]byte, error)) error
}
