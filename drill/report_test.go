package drill

import (
	"bytes"
	"fmt"
	"html"
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
		// One of each agrees in number (it said "1 items lost", "1 of 1
		// items", "1 of 3 queued messages were").
		{"lost one item of one, and one queued message", func(r *Report, d *org.Drill) {
			r.Lost, r.ItemsBefore, r.ItemsAfter = r.Lost[:1], 1, 0
			r.MessagesQueued, r.MessagesLost = 3, []LostItem{{Mailbox: "db1-user003", Subject: "Message 2 to db1-user003", Time: disaster.Add(-time.Hour)}}
			d.Expect.MessagesDelivered = true
		}, []string{
			"1 item and 1 queued message lost, the oldest written 1h before the disaster, over the recovery point objective of 15m",
			"items_back: 1 of 1 item did not come back",
			"messages_delivered: 1 of 3 queued messages was not delivered"}},
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

// TestHTMLCarriesTheMarkdown: the HTML report has every section the
// Markdown one has, and in them the same facts: each step's row, the
// converged row, every loss the plan stated, every item and message
// lost.
func TestHTMLCarriesTheMarkdown(t *testing.T) {
	r := sample()
	r.BuiltSteps = 17
	r.MessagesQueued = 3
	r.MessagesLost = []LostItem{{Mailbox: "db1-user003", Subject: "Message 2 to db1-user003 <&>", Time: disaster}}
	r.Steps[1].Status, r.Steps[1].Error = "failed", "eseutil /cc: <log 5 missing>"
	r.judgeRecovery(&org.Drill{Expect: org.DrillExpect{ItemsBack: true, MessagesDelivered: true}})
	r.judge()
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	doc := page.String()
	for _, line := range strings.Split(md.String(), "\n") {
		if title, ok := strings.CutPrefix(line, "## "); ok && !strings.Contains(doc, "<h2>"+html.EscapeString(title)+"</h2>") {
			t.Errorf("the Markdown report has a section %q the HTML one does not", title)
		}
	}
	steps := section(t, doc, `<table id="steps">`)
	for _, s := range r.Steps {
		if !strings.Contains(steps, "<td><code>"+html.EscapeString(s.ID)+"</code></td><td>"+s.Effect+"</td>") {
			t.Errorf("the step table has no row for %s:\n%s", s.ID, steps)
		}
	}
	if !strings.Contains(steps, html.EscapeString("failed: eseutil /cc: <log 5 missing>")) {
		t.Errorf("the step table does not say how a step failed:\n%s", steps)
	}
	if !strings.Contains(section(t, doc, `<table id="objectives">`), "<td>converged</td><td></td><td>yes</td>") {
		t.Error("the objectives table has no converged row")
	}
	for _, want := range []string{
		"the drill built the organization in a fresh one (17 steps)",
		html.EscapeString(r.PlannedLosses[0]),
		html.EscapeString("Message 2 to db1-user003 <&>"),
		"<td>queued messages</td><td>3 before</td><td>2 delivered, 1 lost</td>",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the HTML report does not hold %q", want)
		}
	}
	for _, why := range r.Reasons {
		if !strings.Contains(doc, "<li>"+html.EscapeString(why)+"</li>") {
			t.Errorf("the HTML report does not give the reason %q", why)
		}
	}
}

// section is the element that begins with open, up to its </table>.
func section(t *testing.T, doc, open string) string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, open)
	if !ok {
		t.Fatalf("the HTML report has no %s", open)
	}
	body, _, _ := strings.Cut(rest, "</table>")
	return body
}

// TestTimelineScale: the timeline's scale is the recovery's own; an
// objective far beyond it is marked past an axis break, one within reach
// is drawn on the scale; ticks fall at round intervals.
func TestTimelineScale(t *testing.T) {
	for _, tc := range []struct {
		name        string
		rto, est    time.Duration
		wantBreak   bool
		wantTicks   []string
		widestAtMin float64 // the longest bar's width, at least
	}{
		{"objective far beyond", 4 * time.Hour, 2 * time.Minute, true, []string{">0<", ">15s<", ">2m<"}, 500},
		{"objective within reach", time.Hour, 46*time.Minute + 37*time.Second, false, []string{">0<", ">10m<", ">1h<"}, 400},
		{"no objective", 0, 90 * time.Second, false, []string{">0<", ">30s<", ">1m30s<"}, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sample()
			r.Objectives.RTO = org.Duration(tc.rto)
			r.EstimatedRTO = tc.est
			r.Steps[0].Estimate, r.Steps[1].EstStart, r.Steps[1].Estimate = tc.est-time.Second, tc.est-time.Second, time.Second
			var b strings.Builder
			timeline(&b, r)
			svg := b.String()
			if got := strings.Contains(svg, `class="axis-break"`); got != tc.wantBreak {
				t.Errorf("axis break drawn: %v, want %v", got, tc.wantBreak)
			}
			if tc.rto > 0 && !strings.Contains(svg, "RTO "+short(tc.rto)) {
				t.Errorf("the objective %s is not marked", short(tc.rto))
			}
			for _, tick := range tc.wantTicks {
				if !strings.Contains(svg, tick) {
					t.Errorf("no tick %s in:\n%s", tick, svg)
				}
			}
			var widest float64
			for _, part := range strings.Split(svg, `<rect class="step`)[1:] {
				var w float64
				if _, err := fmt.Sscanf(part[strings.Index(part, `width="`)+len(`width="`):], "%f", &w); err != nil {
					t.Fatal(err)
				}
				widest = max(widest, w)
			}
			if widest < tc.widestAtMin {
				t.Errorf("the longest bar is %.0f px wide of 600, want at least %.0f: the recovery must fill its scale", widest, tc.widestAtMin)
			}
		})
	}
}

// A drill that built its organization in one step says "1 step", in
// Markdown and in HTML.
func TestBuiltStepsAgreeInNumber(t *testing.T) {
	r := sample()
	r.BuiltSteps = 1
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{"Markdown": md.String(), "HTML": page.String()} {
		if !strings.Contains(doc, "in a fresh one (1 step).") {
			t.Errorf("the %s report does not say '(1 step)'", name)
		}
	}
}
