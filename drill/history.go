package drill

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/backend"
)

// Past is one earlier drill, as its JSON report recorded it.
type Past struct {
	Drill        string
	Started      time.Time
	Verdict      string
	EstimatedRTO time.Duration
	Lost         int
	// Measured are the rates its steps ran at, by verb.
	Measured map[string]float64
	Report   string // the report's path; empty for one read from a backend
}

// History reads the JSON reports under dir/drills, oldest first. A report
// that cannot be read is an error naming it: history must not quietly
// leave a run out.
func History(dir string) ([]Past, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "drills", "*", "*.json"))
	if err != nil {
		return nil, err
	}
	var out []Past
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var doc struct {
			FormatVersion string             `json:"format_version"`
			Drill         string             `json:"drill"`
			Started       time.Time          `json:"started"`
			Verdict       string             `json:"verdict"`
			EstimatedRTO  float64            `json:"estimated_rto_seconds"`
			Lost          []any              `json:"lost"`
			Measured      map[string]float64 `json:"measured_rates"`
		}
		if err := json.Unmarshal(b, &doc); err != nil || doc.FormatVersion == "" || doc.Drill == "" {
			return nil, fmt.Errorf("%s is not a drill report (move it out of drills/ or delete it): %v", p, err)
		}
		out = append(out, Past{Drill: doc.Drill, Started: doc.Started, Verdict: doc.Verdict,
			EstimatedRTO: time.Duration(doc.EstimatedRTO * float64(time.Second)), Lost: len(doc.Lost), Measured: doc.Measured, Report: p})
	}
	slices.SortStableFunc(out, func(a, b Past) int { return a.Started.Compare(b.Started) })
	return out, nil
}

// WriteHistory lists past drills, each with how its recovery time moved
// since the previous run of the same drill.
func WriteHistory(w io.Writer, runs []Past) error {
	if len(runs) == 0 {
		_, err := fmt.Fprintln(w, "No drill has run yet: exdr drill writes its reports under drills/.")
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s  %-24s  %-7s  %-9s  %-12s  %s\n", "started", "drill", "verdict", "recovery", "trend", "lost")
	last := map[string]time.Duration{}
	for _, r := range runs {
		trend := "first run"
		if prev, ok := last[r.Drill]; ok {
			switch {
			case r.EstimatedRTO > prev:
				trend = "slower +" + short(r.EstimatedRTO-prev)
			case r.EstimatedRTO < prev:
				trend = "faster -" + short(prev-r.EstimatedRTO)
			default:
				trend = "same"
			}
		}
		last[r.Drill] = r.EstimatedRTO
		fmt.Fprintf(&b, "%-20s  %-24s  %-7s  %-9s  %-12s  %d\n", r.Started.UTC().Format("2006-01-02 15:04:05Z"), r.Drill, strings.ToUpper(r.Verdict), short(r.EstimatedRTO), trend, r.Lost)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RecordOf is a report as a backend keeps it, with js its JSON.
func RecordOf(rep *Report, js []byte) backend.DrillRecord {
	return backend.DrillRecord{Drill: rep.Drill, Started: rep.Started, Verdict: rep.Verdict,
		EstimatedRTO: rep.EstimatedRTO, Lost: len(rep.Lost), Measured: rep.Measured, Report: js}
}

// RecordOfFile is a report under drills/ as a backend keeps it, read
// again from its JSON file.
func RecordOfFile(p Past) (backend.DrillRecord, error) {
	js, err := os.ReadFile(p.Report)
	if err != nil {
		return backend.DrillRecord{}, err
	}
	return backend.DrillRecord{Drill: p.Drill, Started: p.Started, Verdict: p.Verdict, EstimatedRTO: p.EstimatedRTO,
		Lost: p.Lost, Measured: p.Measured, Report: js}, nil
}

// EstimatesFrom are the rates the drills measured, folded in the order
// they ran: what Learn makes of them one after another.
func EstimatesFrom(runs []Past) *Estimates {
	e := &Estimates{FormatVersion: 1, Rates: map[string]Rate{}}
	runs = slices.Clone(runs)
	slices.SortStableFunc(runs, func(a, b Past) int { return a.Started.Compare(b.Started) })
	for _, r := range runs {
		e.Learn(r.Drill, r.Measured, r.Started)
	}
	return e
}

// PastOf are the drills a backend keeps, as the history lists them.
func PastOf(recs []backend.DrillRecord) []Past {
	out := make([]Past, 0, len(recs))
	for _, r := range recs {
		out = append(out, Past{Drill: r.Drill, Started: r.Started, Verdict: r.Verdict, EstimatedRTO: r.EstimatedRTO, Lost: r.Lost, Measured: r.Measured})
	}
	slices.SortStableFunc(out, func(a, b Past) int { return a.Started.Compare(b.Started) })
	return out
}

// NotIn are the reports of local that kept lacks (kept has a report
// when it has the same drill started at the same microsecond, all
// PostgreSQL keeps): written before the backend was configured, or by a
// run that could not reach it.
func NotIn(local, kept []Past) []Past {
	have := map[string]bool{}
	for _, k := range kept {
		have[k.Drill+"\x00"+k.Started.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)] = true
	}
	var out []Past
	for _, l := range local {
		if !have[l.Drill+"\x00"+l.Started.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)] {
			out = append(out, l)
		}
	}
	return out
}
