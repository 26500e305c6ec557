package backend

import (
	"context"
	"time"
)

// DrillRecord is one drill's report as a backend keeps it: the figures
// the history lists, the rates its steps ran at, and the whole report as
// its JSON file holds it.
type DrillRecord struct {
	Drill        string
	Started      time.Time
	Verdict      string
	EstimatedRTO time.Duration
	Lost         int
	// Measured are the rates by verb, in units a second: what later
	// plans estimate from.
	Measured map[string]float64
	Report   []byte // the report's JSON
}

// DrillKeeper is a backend that keeps the organization's drill reports,
// so that a team shares them and the rates they measured; without one
// they are files under drills/ beside the configuration.
type DrillKeeper interface {
	// SaveDrill keeps a report; the same drill and start time (to the
	// microsecond) twice is kept once.
	SaveDrill(ctx context.Context, rec DrillRecord) error
	// Drills are the reports kept, oldest first, without their JSON
	// (Report is nil): what the history and the estimates need.
	Drills(ctx context.Context) ([]DrillRecord, error)
}
