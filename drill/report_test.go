package drill

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/org"
)

var disaster = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func sample() *Report {
	return &Report{
		Drill: "lose_mbx01", Organization: "Contoso", Started: disaster.Add(-time.Minute),
		Objectives: org.Objectives{RTO: org.Duration(time.Hour), RPO: org.Duration(15 * time.Minute)},
		DisasterAt: disaster, Disaster: []string{"lose_server server MBX01"},
		EstimatedRTO: 46*time.Minute + 37*time.Second, ApplyTook: 21 * time.Millisecond,
		Steps: []*StepReport{
			{ID: "server.MBX01:create_server", Verb: "create_server", Effect: "reversible", Estimate: 45 * time.Minute, Took: time.Millisecond, Status: "done"},
			{ID: "mailbox_database.DB1:restore_backup", Verb: "restore_backup", Effect: "irreversible", Estimate: time.Minute, EstStart: 45 * time.Minute, Start: time.Millisecond, Took: 10 * time.Millisecond, Status: "done"},
		},
		Converged: true, ItemsBefore: 12, ItemsAfter: 10,
		PlannedLosses: []string{"mailbox_database.DB1: the changes logged after generation 1: generation 2 is missing"},
		Lost: []LostItem{
			{Mailbox: "db1-user001", Subject: "Message 6 to db1-user001", Time: disaster.Add(-time.Hour)},
			{Mailbox: "db1-user002", Subject: "Message 6 to db1-user002", Time: disaster.Add(-time.Hour)},
		},
	}
}

func TestJudge(t *testing.T) {
	tests := []struct {
		name    string
		change  func(r *Report, d *org.Drill)
		reasons []string
	}{
		{"within every objective", func(r *Report, d *org.Drill) { r.Lost = nil }, nil},
		{"too slow", func(r *Report, d *org.Drill) { r.Lost, r.EstimatedRTO = nil, 2*time.Hour },
			[]string{"the recovery takes about 2h, over the recovery time objective of 1h"}},
		{"lost more than the RPO", func(r *Report, d *org.Drill) {}, []string{
			"2 items lost, the oldest written 1h before the disaster, over the recovery point objective of 15m",
			"items_back: 2 of 12 items did not come back"}},
		{"lost within the RPO, loss allowed", func(r *Report, d *org.Drill) {
			r.Lost[0].Time, r.Lost[1].Time, d.Expect.ItemsBack = disaster.Add(-time.Minute), disaster, false
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, d := sample(), &org.Drill{Expect: org.DrillExpect{ItemsBack: true}}
			tt.change(r, d)
			r.judgeRecovery(d)
			r.judge()
			if len(r.Reasons) != len(tt.reasons) {
				t.Fatalf("reasons %q, want %q", r.Reasons, tt.reasons)
			}
			for i := range tt.reasons {
				if r.Reasons[i] != tt.reasons[i] {
					t.Errorf("reason %d: %q, want %q", i, r.Reasons[i], tt.reasons[i])
				}
			}
			if want := map[bool]string{true: "pass", false: "fail"}[len(tt.reasons) == 0]; r.Verdict != want {
				t.Errorf("verdict %s, want %s", r.Verdict, want)
			}
		})
	}
}

func TestRenderings(t *testing.T) {
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden"))
	r := sample()
	r.judgeRecovery(&org.Drill{Expect: org.DrillExpect{ItemsBack: true}})
	r.judge()
	var md, js bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	g.Assert(t, "report.md", md.Bytes())
	g.Assert(t, "report.json", js.Bytes())
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	g.Assert(t, "report.html", page.Bytes())
}

func TestHistory(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, r *Report) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, "drills", r.Drill), 0o755); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteJSON(&b, r); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "drills", r.Drill, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, rto := range []time.Duration{time.Hour, 50 * time.Minute, 50 * time.Minute} {
		r := sample()
		r.Started, r.EstimatedRTO = disaster.Add(time.Duration(i)*24*time.Hour), rto
		r.judgeRecovery(&org.Drill{Expect: org.DrillExpect{ItemsBack: true}})
		r.judge()
		write(r.Started.Format("20060102T150405Z")+".json", r)
	}
	other := sample()
	other.Drill, other.Lost, other.Started = "delete_db1", nil, disaster.Add(time.Hour)
	other.judge()
	write("a.json", other)

	runs, err := History(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteHistory(&out, runs); err != nil {
		t.Fatal(err)
	}
	goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden")).Assert(t, "history.txt", out.Bytes())

	if err := os.WriteFile(filepath.Join(dir, "drills", "delete_db1", "notes.json"), []byte(`{"x": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := History(dir); err == nil || !strings.Contains(err.Error(), "notes.json is not a drill report") {
		t.Errorf("a stray file: got %v, want an error naming it", err)
	}
}
