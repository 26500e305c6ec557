package drill

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestEstimatesLearnAndFill(t *testing.T) {
	dir := t.TempDir()
	e, err := LoadEstimates(dir)
	if err != nil || len(e.Rates) != 0 {
		t.Fatalf("no file yet: %+v, %v", e, err)
	}
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e.Learn("lose_mbx01", map[string]float64{"restore_backup": 100, "hard_recovery": 0}, at)
	e.Learn("delete_db1", map[string]float64{"restore_backup": 200}, at.Add(time.Hour))
	r := e.Rates["restore_backup"]
	if r.Runs != 2 || r.PerSecond != 0.7*200+0.3*100 || r.LastDrill != "delete_db1" {
		t.Fatalf("restore_backup: %+v", r)
	}
	if _, ok := e.Rates["hard_recovery"]; ok {
		t.Fatal("a zero rate was learned")
	}
	if err := e.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := LoadEstimates(dir)
	if err != nil || back.Rates["restore_backup"] != r {
		t.Fatalf("reloaded %+v, %v", back, err)
	}
	// What the organization measured itself comes first.
	have := map[string]float64{"restore_backup": 5, "replay_logs": 0}
	back.Rates["replay_logs"] = Rate{PerSecond: 9, Runs: 1}
	if filled := back.Fill(have); !slices.Equal(filled, []string{"replay_logs"}) || have["restore_backup"] != 5 || have["replay_logs"] != 9 {
		t.Fatalf("filled %v: %v", filled, have)
	}
}

func TestEstimatesFileDamaged(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "drills"), 0o755)
	os.WriteFile(filepath.Join(dir, EstimatesFile), []byte("{not json"), 0o644)
	if _, err := LoadEstimates(dir); err == nil {
		t.Fatal("a damaged estimates file was read")
	}
}

// A report beside the configuration counts as kept when the backend has
// the same drill started at the same microsecond (all PostgreSQL keeps).
func TestNotIn(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 123456789, time.UTC)
	local := []Past{{Drill: "a", Started: t0}, {Drill: "b", Started: t0}, {Drill: "a", Started: t0.Add(time.Second)}}
	kept := []Past{{Drill: "a", Started: t0.Truncate(time.Microsecond)}, {Drill: "b", Started: t0.Add(time.Minute)}}
	got := NotIn(local, kept)
	if len(got) != 2 || got[0].Drill != "b" || got[1].Drill != "a" || !got[1].Started.Equal(t0.Add(time.Second)) {
		t.Errorf("not kept: %+v, want b at t0 and a a second later", got)
	}
}

// The estimates folded from reports are those learned drill after
// drill, whatever order the reports are listed in.
func TestEstimatesFromReports(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	runs := []Past{
		{Drill: "b", Started: t0.Add(2 * time.Hour), Measured: map[string]float64{"restore_backup": 300}},
		{Drill: "a", Started: t0, Measured: map[string]float64{"restore_backup": 100, "hard_recovery": 5}},
		{Drill: "a", Started: t0.Add(time.Hour), Measured: map[string]float64{"restore_backup": 200}},
	}
	want := &Estimates{FormatVersion: 1, Rates: map[string]Rate{}}
	for _, i := range []int{1, 2, 0} {
		want.Learn(runs[i].Drill, runs[i].Measured, runs[i].Started)
	}
	got := EstimatesFrom(runs)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("folded %+v, want %+v", got.Rates, want.Rates)
	}
	if r := got.Rates["restore_backup"]; r.Runs != 3 || r.LastDrill != "b" {
		t.Errorf("restore_backup: %+v", r)
	}
}
