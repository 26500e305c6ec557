package drill

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/exdr/exdr/planner"
)

// effectColours are the timeline's bar colours by effect class, the same
// order of alarm as the plan's.
var effectColours = map[string]string{
	"read_only": "#6c8ebf", "reversible": "#82b366", "irreversible": "#d6b656", "data_loss": "#b85450",
}

// WriteHTML writes the report as one self-contained page with all the
// Markdown report has (verdict, disaster, objectives with the converged
// row, the steps, the losses the plan stated, the items and messages
// lost) and a timeline: one bar per step where it would run in a real
// recovery (from the estimates), coloured by effect class, on a scale
// of its own with tick marks, and the recovery time objective drawn
// across it, or, when it lies far beyond the recovery, noted at an axis
// break so the bars keep their width.
func WriteHTML(w io.Writer, r *Report) error {
	var b strings.Builder
	e := html.EscapeString
	verdict := map[bool]string{true: "PASS", false: "FAIL"}[r.Verdict == "pass"]
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Drill %s: %s</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
.pass{color:#2e7d32}.fail{color:#b71c1c}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
td.n{text-align:right}
svg text{font-size:12px;font-family:monospace}
</style></head><body>
<h1>Drill %s: <span class="%s">%s</span></h1>
<p>Organization %s, drill started %s.`, e(r.Drill), verdict, e(r.Drill), strings.ToLower(verdict), verdict, e(r.Organization), r.Started.Format(time.RFC3339))
	if r.BuiltSteps > 0 {
		fmt.Fprintf(&b, " There was no lab: the drill built the organization in a fresh one (%s).", plural(r.BuiltSteps, "step"))
	}
	b.WriteString("</p>\n")
	if len(r.Reasons) > 0 {
		b.WriteString("<ul class=\"reasons\">\n")
		for _, why := range r.Reasons {
			fmt.Fprintf(&b, "<li>%s</li>\n", e(why))
		}
		b.WriteString("</ul>\n")
	}
	fmt.Fprintf(&b, "<h2>Disaster</h2>\n<p>At %s (lab time):</p>\n<ul>\n", r.DisasterAt.Format(time.RFC3339))
	for _, d := range r.Disaster {
		fmt.Fprintf(&b, "<li>%s</li>\n", e(d))
	}
	b.WriteString("</ul>\n<h2>Objectives</h2>\n<table id=\"objectives\"><tr><th></th><th>objective</th><th>measured</th></tr>\n")
	fmt.Fprintf(&b, "<tr><td>recovery time</td><td>%s</td><td>%s estimated (%s in the lab)</td></tr>\n", short(time.Duration(r.Objectives.RTO)), short(r.EstimatedRTO), short(r.ApplyTook))
	fmt.Fprintf(&b, "<tr><td>recovery point</td><td>%s</td><td>%s</td></tr>\n", short(time.Duration(r.Objectives.RPO)), e(r.rpo()))
	fmt.Fprintf(&b, "<tr><td>items</td><td>%d before</td><td>%d after, %d lost</td></tr>\n", r.ItemsBefore, r.ItemsAfter, len(r.Lost))
	if r.MessagesQueued > 0 {
		fmt.Fprintf(&b, "<tr><td>queued messages</td><td>%d before</td><td>%d delivered, %d lost</td></tr>\n", r.MessagesQueued, r.MessagesQueued-len(r.MessagesLost), len(r.MessagesLost))
	}
	fmt.Fprintf(&b, "<tr><td>converged</td><td></td><td>%s</td></tr>\n</table>\n", map[bool]string{true: "yes", false: "no"}[r.Converged])
	for _, w := range r.Waiting {
		fmt.Fprintf(&b, "<p>Left as it is until the configuration says more: %s</p>\n", html.EscapeString(w))
	}
	if len(r.Steps) > 0 {
		b.WriteString("<h2>Timeline</h2>\n")
		timeline(&b, r)
		b.WriteString("<h2>Steps</h2>\n<table id=\"steps\"><tr><th>step</th><th>effect</th><th>estimate</th><th>took</th><th>status</th></tr>\n")
		for _, s := range r.Steps {
			status := s.Status
			if s.Error != "" {
				status += ": " + s.Error
			}
			fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>%s</td></tr>\n", e(s.ID), e(s.Effect), short(s.Estimate), short(s.Took), e(status))
		}
		b.WriteString("</table>\n")
	}
	if len(r.PlannedLosses) > 0 {
		b.WriteString("<h2>Losses the plan stated</h2>\n<ul>\n")
		for _, l := range r.PlannedLosses {
			fmt.Fprintf(&b, "<li>%s</li>\n", e(l))
		}
		b.WriteString("</ul>\n")
	}
	lostTable(&b, "Items lost", "items-lost", "mailbox", "written", r.Lost)
	lostTable(&b, "Queued messages lost", "messages-lost", "recipient", "queued", r.MessagesLost)
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func lostTable(b *strings.Builder, title, id, who, when string, items []LostItem) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "<h2>%s</h2>\n<table id=\"%s\"><tr><th>%s</th><th>subject</th><th>%s</th></tr>\n", title, id, who, when)
	for _, it := range items {
		fmt.Fprintf(b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", html.EscapeString(it.Mailbox), html.EscapeString(it.Subject), it.Time.Format(time.RFC3339))
	}
	b.WriteString("</table>\n")
}

// farBeyond is how much longer than the recovery an objective may be and
// still share its scale: beyond it the bars would shrink to slivers, so
// the objective is noted at an axis break instead.
const farBeyond = 1.5

// timeline draws the steps as an SVG Gantt chart on the estimated
// schedule, with ticks and the RTO as a red line.
func timeline(b *strings.Builder, r *Report) {
	const label, width, row, top = 360.0, 600.0, 20.0, 30.0
	end := time.Duration(0)
	for _, s := range r.Steps {
		end = max(end, s.EstStart+s.Estimate)
	}
	end = max(end, r.EstimatedRTO, time.Second)
	rto := time.Duration(r.Objectives.RTO)
	span, broken := end, false
	switch {
	case rto > 0 && float64(rto) <= farBeyond*float64(end):
		span = max(end, rto)
	case rto > 0:
		broken = true
	}
	scale := width / span.Seconds()
	height := top + row*float64(len(r.Steps)) + 10
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" role="img" aria-label="recovery timeline">`+"\n", label+width+150, height)
	step := tickStep(span)
	for t := time.Duration(0); t <= span; t += step {
		x := label + t.Seconds()*scale
		fmt.Fprintf(b, `<line class="tick" x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#ddd"/><text x="%.1f" y="16" text-anchor="middle">%s</text>`+"\n",
			x, top-8, x, height, x, tickLabel(t))
	}
	for i, s := range r.Steps {
		y := top + row*float64(i)
		colour := effectColours[s.Effect]
		if colour == "" {
			colour = "#999999"
		}
		w := max(s.Estimate.Seconds()*scale, 2)
		fmt.Fprintf(b, `<text x="0" y="%.0f">%s</text>`, y+13, html.EscapeString(s.ID))
		fmt.Fprintf(b, `<rect class="step %s" x="%.1f" y="%.0f" width="%.1f" height="%.0f" fill="%s"><title>%s: %s, %s estimated, %s</title></rect>`+"\n",
			html.EscapeString(s.Effect), label+s.EstStart.Seconds()*scale, y+2, w, row-4, colour, html.EscapeString(s.ID), html.EscapeString(s.Effect), short(s.Estimate), html.EscapeString(s.Status))
	}
	switch {
	case broken:
		// An axis break past the end of the scale, and the objective
		// written beyond it: far later than anything drawn.
		x := label + width + 12
		fmt.Fprintf(b, `<path class="axis-break" d="M%.1f %.0f l6 -8 M%.1f %.0f l6 -8" stroke="#666" stroke-width="1.5"/>`, x-4, top, x+2, top)
		fmt.Fprintf(b, `<line class="rto" x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#d32f2f" stroke-width="2"/><text x="%.1f" y="%.0f" fill="#b71c1c">RTO %s</text>`+"\n",
			x+14, top-6, x+14, height, x+18, top+10, short(rto))
	case rto > 0:
		x := label + rto.Seconds()*scale
		fmt.Fprintf(b, `<line class="rto" x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#d32f2f" stroke-width="2"/><text x="%.1f" y="%.0f" fill="#b71c1c" text-anchor="end">RTO %s</text>`+"\n",
			x, top-6, x, height, x-4, top-8+14, short(rto))
	}
	// The legend's swatches are paler than the bars, so that a screenshot
	// can tell a bar from its legend.
	b.WriteString("</svg>\n<p>")
	for i, effect := range []string{"read_only", "reversible", "irreversible", "data_loss"} {
		if i > 0 {
			b.WriteString(" &nbsp; ")
		}
		fmt.Fprintf(b, `<span style="display:inline-block;width:1em;height:.8em;background:%s;opacity:.7"></span> %s`, effectColours[effect], effect)
	}
	b.WriteString("</p>\n")
	if broken {
		fmt.Fprintf(b, "<p class=\"rto-note\">The recovery takes about %s of its %s objective: the scale is the recovery's own, and the objective is marked past the break.</p>\n",
			short(r.EstimatedRTO), short(rto))
	}
}

// tickSteps are the intervals a time axis is ticked at.
var tickSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// tickStep is the smallest interval that puts at most eight ticks on span.
func tickStep(span time.Duration) time.Duration {
	for _, s := range tickSteps {
		if span/s <= 8 {
			return s
		}
	}
	return span / 8
}

func tickLabel(t time.Duration) string {
	if t == 0 {
		return "0"
	}
	return planner.RoundEstimate(t)
}
