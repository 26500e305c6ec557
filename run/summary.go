package run

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/exdr/exdr/internal/english"

	"github.com/exdr/exdr/executor"
)

// SummaryOptions tune the summary.
type SummaryOptions struct {
	// OK colours "Apply complete!" (green on a terminal); nil leaves it.
	OK func(string) string
}

// WriteSummary says how the run's steps ended. "Apply complete!" is said
// only when every step of the plan ran and succeeded; otherwise it counts
// what was done, what failed and what never started, and names every
// step that did not run to the end.
func WriteSummary(w io.Writer, o *Outcome, opts SummaryOptions) error {
	if o.Result == nil {
		return nil
	}
	n := o.Result.Count()
	took := o.Elapsed.Round(time.Millisecond)
	var b strings.Builder
	switch {
	case o.Complete():
		ok := "Apply complete!"
		if opts.OK != nil {
			ok = opts.OK(ok)
		}
		fmt.Fprintf(&b, "\n%s %s done in %s.\n", ok, plural(n[executor.Done], "step"), took)
	case n[executor.Done] == len(o.Plan.Steps):
		// The interrupt came as the last step ended.
		fmt.Fprintf(&b, "\nApply interrupted as its last step ended: %s done in %s, but the organization was not read again to check them. Run exdr plan to check it.\n",
			plural(n[executor.Done], "step"), took)
		_, err := io.WriteString(w, b.String())
		return err
	case o.LockLost != nil:
		fmt.Fprintf(&b, "\nApply stopped, the lock lost (%v): %s.\n", o.LockLost, counts(n, took))
	case o.Interrupted:
		fmt.Fprintf(&b, "\nApply interrupted: %s.\n", counts(n, took))
	default:
		fmt.Fprintf(&b, "\nApply incomplete: %s.\n", counts(n, took))
	}
	if !o.Complete() {
		b.WriteString("These steps did not run to the end:\n")
		width := 0
		for _, s := range o.Plan.Steps {
			if o.Result.Status[s.ID] != executor.Done {
				width = max(width, len(s.ID))
			}
		}
		for _, s := range o.Plan.Steps {
			st := o.Result.Status[s.ID]
			if st != executor.Done {
				fmt.Fprintf(&b, "  %-*s  %s\n", width, s.ID, describe(st))
			}
		}
		if o.Interrupted || o.LockLost != nil {
			b.WriteString("Run exdr apply again to finish: its plan is made from the organization as it is then, and every step is safe to run again.\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func counts(n map[executor.Status]int, took time.Duration) string {
	parts := []string{fmt.Sprintf("%d done", n[executor.Done]), fmt.Sprintf("%d not started", n[executor.Stopped]+n[executor.Pending])}
	if c := n[executor.Cancelled]; c > 0 {
		parts = append(parts, fmt.Sprintf("%d cancelled while running", c))
	}
	parts = append(parts, fmt.Sprintf("%d failed", n[executor.Failed]))
	if s := n[executor.Skipped]; s > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped after a failure", s))
	}
	return strings.Join(parts, ", ") + ", in " + took.String()
}

func describe(st executor.Status) string {
	switch st {
	case executor.Stopped, executor.Pending:
		return "not started"
	case executor.Cancelled:
		return "cancelled while running"
	case executor.Skipped:
		return "skipped: a step it waits for failed"
	}
	return string(st)
}

// WriteCheck says whether the organization, read again after the run,
// matches the configuration: within the targets, naming what -target left
// out.
func WriteCheck(w io.Writer, c *Check) error {
	if c == nil {
		return nil
	}
	var b strings.Builder
	targets := strings.Join(c.Targets, ", ")
	switch {
	case c.NotChecked != "":
		fmt.Fprintf(&b, "The organization was not checked against the configuration: %s.\n", c.NotChecked)
	case c.Err != nil:
		fmt.Fprintf(&b, "Could not check the organization against the configuration: %s\n", oneLine(c.Err))
	case len(c.Remaining) == 0 && len(c.Unreadable) > 0:
		var names []string
		for _, u := range c.Unreadable {
			names = append(names, u.Address)
		}
		fmt.Fprintf(&b, "Every step ran, but exdr could not read %s again (%s), so it cannot say the organization matches the configuration. Run exdr plan to see why.\n",
			plural(len(c.Unreadable), "resource"), strings.Join(names, ", "))
	case c.OnlyWaiting():
		var names []string
		for _, w := range c.Waiting {
			names = append(names, w.Address)
		}
		fmt.Fprintf(&b, "Every step ran. The organization differs from the configuration only where it waits for you (%s). Run exdr plan to see why.\n",
			strings.Join(names, ", "))
	case len(c.Targets) == 0 && c.Matches():
		b.WriteString("The organization matches the configuration.\n")
	case len(c.Targets) == 0:
		fmt.Fprintf(&b, "The organization does not match the configuration yet: %s %s. Run exdr plan to see them.\n",
			plural(len(c.Remaining), "step"), remain(len(c.Remaining)))
	case !c.Matches():
		fmt.Fprintf(&b, "The targeted resources (%s) do not match the configuration yet: %s %s. Run exdr plan with the same -target to see them.\n",
			targets, plural(len(c.Remaining), "step"), remain(len(c.Remaining)))
	case c.Rest != nil:
		fmt.Fprintf(&b, "The targeted resources (%s) match the configuration. The rest of the organization was not checked: planning it is refused (%s).\n",
			targets, oneLine(c.Rest))
	case len(c.LeftOut) == 0:
		b.WriteString("The organization matches the configuration.\n")
	default:
		var left []string
		for _, a := range c.LeftOutAddresses() {
			left = append(left, fmt.Sprintf("%s (%s)", a, plural(c.LeftOut[a], "step")))
		}
		fmt.Fprintf(&b, "The targeted resources (%s) match the configuration.\nLeft out by -target, still to do: %s. Run exdr plan to see them.\n",
			targets, strings.Join(left, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func remain(n int) string {
	if n == 1 {
		return "remains"
	}
	return "remain"
}

func plural(n int, word string) string { return english.Plural(n, word) }

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
