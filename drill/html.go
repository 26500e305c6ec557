package drill

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"
)

// effectColours are the timeline's bar colours by effect class, the same
// order of alarm as the plan's.
var effectColours = map[string]string{
	"read_only": "#6c8ebf", "reversible": "#82b366", "irreversible": "#d6b656", "data_loss": "#b85450",
}

// WriteHTML writes the report as one self-contained page: the verdict,
// the objectives, and a timeline with one bar per step where it would run
// in a real recovery (from the estimates), coloured by effect class, with
// the recovery time objective drawn across it.
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
svg text{font-size:12px;font-family:monospace}
</style></head><body>
<h1>Drill %s: <span class="%s">%s</span></h1>
<p>Organization %s, drill started %s; disaster at %s (lab time).</p>
`, e(r.Drill), verdict, e(r.Drill), strings.ToLower(verdict), verdict, e(r.Organization), r.Started.Format(time.RFC3339), r.DisasterAt.Format(time.RFC3339))
	if len(r.Reasons) > 0 {
		b.WriteString("<ul>\n")
		for _, why := range r.Reasons {
			fmt.Fprintf(&b, "<li>%s</li>\n", e(why))
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("<h2>Disaster</h2>\n<ul>\n")
	for _, d := range r.Disaster {
		fmt.Fprintf(&b, "<li>%s</li>\n", e(d))
	}
	b.WriteString("</ul>\n<h2>Objectives</h2>\n<table><tr><th></th><th>objective</th><th>measured</th></tr>\n")
	fmt.Fprintf(&b, "<tr><td>recovery time</td><td>%s</td><td>%s estimated (%s in the lab)</td></tr>\n", short(time.Duration(r.Objectives.RTO)), short(r.EstimatedRTO), short(r.ApplyTook))
	fmt.Fprintf(&b, "<tr><td>recovery point</td><td>%s</td><td>%s</td></tr>\n", short(time.Duration(r.Objectives.RPO)), r.rpo())
	fmt.Fprintf(&b, "<tr><td>items</td><td>%d before</td><td>%d after, %d lost</td></tr>\n", r.ItemsBefore, r.ItemsAfter, len(r.Lost))
	if r.MessagesQueued > 0 {
		fmt.Fprintf(&b, "<tr><td>queued messages</td><td>%d before</td><td>%d delivered, %d lost</td></tr>\n", r.MessagesQueued, r.MessagesQueued-len(r.MessagesLost), len(r.MessagesLost))
	}
	b.WriteString("</table>\n")
	if len(r.Steps) > 0 {
		b.WriteString("<h2>Timeline</h2>\n")
		timeline(&b, r)
	}
	if len(r.Lost) > 0 {
		b.WriteString("<h2>Items lost</h2>\n<table><tr><th>mailbox</th><th>subject</th><th>written</th></tr>\n")
		for _, it := range r.Lost {
			fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", e(it.Mailbox), e(it.Subject), it.Time.Format(time.RFC3339))
		}
		b.WriteString("</table>\n")
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// timeline draws the steps as an SVG Gantt chart on the estimated
// schedule, with the RTO as a red line.
func timeline(b *strings.Builder, r *Report) {
	const label, width, row, top = 360.0, 600.0, 20.0, 24.0
	span := r.EstimatedRTO
	rto := time.Duration(r.Objectives.RTO)
	span = max(span, rto, time.Minute)
	scale := width / span.Seconds()
	height := top + row*float64(len(r.Steps)) + 10
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" role="img" aria-label="recovery timeline">`+"\n", label+width+20, height)
	fmt.Fprintf(b, `<text x="%.0f" y="14">0</text>`, label)
	if span != rto {
		fmt.Fprintf(b, `<text x="%.0f" y="14" text-anchor="end">%s</text>`, label+width, short(span))
	}
	b.WriteString("\n")
	for i, s := range r.Steps {
		y := top + row*float64(i)
		colour := effectColours[s.Effect]
		if colour == "" {
			colour = "#999999"
		}
		w := max(s.Estimate.Seconds()*scale, 2)
		fmt.Fprintf(b, `<text x="0" y="%.0f">%s</text>`, y+13, html.EscapeString(s.ID))
		fmt.Fprintf(b, `<rect class="step %s" x="%.1f" y="%.0f" width="%.1f" height="%.0f" fill="%s"><title>%s: %s, %s estimated, %s</title></rect>`+"\n",
			s.Effect, label+s.EstStart.Seconds()*scale, y+2, w, row-4, colour, html.EscapeString(s.ID), s.Effect, short(s.Estimate), s.Status)
	}
	if rto > 0 {
		x := label + rto.Seconds()*scale
		fmt.Fprintf(b, `<line class="rto" x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#d32f2f" stroke-width="2"/><text x="%.1f" y="%.0f" fill="#b71c1c" text-anchor="end">RTO %s</text>`+"\n",
			x, top-6, x, height, x-4, top-8, short(rto))
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
}
