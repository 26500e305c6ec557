package drill

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/exdr/exdr/internal/atomicfile"
)

// Drills run on a copy of the lab, which is thrown away with what its
// steps measured. What they measured is kept instead in
// drills/estimates.json beside the reports, so that it lives in git with
// them, and the planner estimates from it where the lab itself has not
// measured a verb yet.

// EstimatesFile is where, under the configuration's directory.
const EstimatesFile = "drills/estimates.json"

// Estimates are the rates drills measured, by step verb.
type Estimates struct {
	FormatVersion int             `json:"format_version"`
	Rates         map[string]Rate `json:"rates"`
}

// Rate is one verb's measured speed, in its units a second (bytes; log
// generations for replays), averaged over the drills that ran it,
// weighted towards recent ones.
type Rate struct {
	PerSecond float64   `json:"per_second"`
	Runs      int       `json:"runs"`
	LastDrill string    `json:"last_drill"`
	Updated   time.Time `json:"updated"`
}

// LoadEstimates reads dir's estimates; none yet is not an error.
func LoadEstimates(dir string) (*Estimates, error) {
	b, err := os.ReadFile(filepath.Join(dir, EstimatesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return ParseEstimates(nil, "")
	}
	if err != nil {
		return nil, err
	}
	return ParseEstimates(b, filepath.Join(dir, EstimatesFile))
}

// ParseEstimates reads an estimates document (nil: none yet) that where
// names for the error.
func ParseEstimates(b []byte, where string) (*Estimates, error) {
	e := &Estimates{FormatVersion: 1, Rates: map[string]Rate{}}
	if b == nil {
		return e, nil
	}
	if err := json.Unmarshal(b, e); err != nil || e.FormatVersion != 1 {
		return nil, fmt.Errorf("%s is not an exdr estimates document (format_version 1): fix it or delete it, and the next drill writes it again", where)
	}
	if e.Rates == nil {
		e.Rates = map[string]Rate{}
	}
	return e, nil
}

// Marshal is the estimates document, as Save writes it.
func (e *Estimates) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(e, "", "  ")
	return append(b, '\n'), err
}

// Learn folds in what one drill measured.
func (e *Estimates) Learn(drill string, measured map[string]float64, at time.Time) {
	for verb, rate := range measured {
		if rate <= 0 {
			continue
		}
		r := e.Rates[verb]
		if r.Runs == 0 {
			r.PerSecond = rate
		} else {
			r.PerSecond = 0.7*rate + 0.3*r.PerSecond
		}
		r.Runs++
		r.LastDrill, r.Updated = drill, at.UTC()
		e.Rates[verb] = r
	}
}

// Save writes the estimates to dir atomically.
func (e *Estimates) Save(dir string) error {
	b, err := e.Marshal()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, EstimatesFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b, 0o644)
}

// Fill gives throughput the drills' rates for the verbs it lacks: what
// the organization measured itself comes first. It returns the verbs it
// filled, sorted.
func (e *Estimates) Fill(throughput map[string]float64) []string {
	var filled []string
	for verb, r := range e.Rates {
		if throughput[verb] > 0 || r.PerSecond <= 0 {
			continue
		}
		throughput[verb] = r.PerSecond
		filled = append(filled, verb)
	}
	slices.Sort(filled)
	return filled
}
