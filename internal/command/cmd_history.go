package command

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/providers"
)

// cmdHistory lists the runs the organization's backend has kept, or
// shows one with its steps.
func cmdHistory(_ context.Context, args []string, s *streams) error {
	fs := newFlags(s, "history", "history [-json] [-n N] [DIR] | history show RUN [DIR]")
	asJSON := fs.Bool("json", false, "print the runs as JSON")
	n := fs.Int("n", 20, "list at most N runs, newest first (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 0 {
		return fmt.Errorf("-n %d: give how many runs to list, or 0 for all", *n)
	}
	rest := fs.Args()
	show := ""
	if len(rest) > 0 && rest[0] == "show" {
		if len(rest) < 2 {
			return fmt.Errorf("name the run: exdr history show RUN [DIR], with RUN as exdr history lists it")
		}
		show, rest = rest[1], rest[2:]
		if st, err := os.Stat(show); err == nil && st.IsDir() {
			return fmt.Errorf("%s is a folder: name the run first, exdr history show RUN [DIR], with RUN as exdr history lists it", show)
		}
	} else if len(rest) > 0 {
		if st, err := os.Stat(rest[0]); err != nil || !st.IsDir() {
			hint := ""
			if closest(rest[0], []string{"show"}) == "show" {
				hint = ` Did you mean "show"?`
			}
			return fmt.Errorf("%s is not a folder: exdr history [DIR] lists the runs, exdr history show RUN [DIR] shows one.%s", rest[0], hint)
		}
	}
	dir := "."
	switch len(rest) {
	case 0:
	case 1:
		dir = rest[0]
	default:
		return fmt.Errorf("history takes one directory, got %s", strings.Join(rest, " "))
	}
	ws, err := openWorkspace(dir, nil, s)
	if err != nil {
		return err
	}
	h, ok := ws.backend.(backend.Historian)
	if !ok {
		return fmt.Errorf("the backend %s keeps no history", ws.backend)
	}
	if show != "" {
		return showRun(ws, show, *asJSON, s)
	}
	runs, err := h.Runs(*n)
	if err != nil {
		return fmt.Errorf("read the history from %s: %w", ws.backend, err)
	}
	// What the runs were read from, when lines of it could not be: said,
	// as apply says it (history said nothing; adversarial review).
	if dir, ok := ws.backend.(*backend.Dir); ok {
		if _, skipped, err := dir.Journal().Entries(); err == nil {
			for _, line := range skipped {
				printWarning(s, backend.Printable(line))
			}
		}
	}
	holder, _ := ws.backend.Holder()
	if *asJSON {
		type jsonRun struct {
			backend.Run
			Outcome     string  `json:"outcome"`
			TookSeconds float64 `json:"took_seconds,omitempty"`
		}
		out := make([]jsonRun, 0, len(runs))
		for _, r := range runs {
			jr := jsonRun{Run: r, Outcome: outcome(r, holder)}
			if !r.Ended.IsZero() {
				jr.TookSeconds = r.Ended.Sub(r.Started).Seconds()
			}
			out = append(out, jr)
		}
		return writeJSON(s.stdout, out)
	}
	if len(runs) == 0 {
		fmt.Fprintf(s.stdout, "No runs yet in %s.\n", ws.backend)
		return nil
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTARTED (UTC)\tWHO\tWHAT\tDONE\tOUTCOME\tTOOK\tCOMMIT")
	for _, r := range runs {
		took := "-"
		if !r.Ended.IsZero() {
			took = r.Ended.Sub(r.Started).Round(time.Millisecond).String()
		}
		who := r.Holder
		if who == "" {
			who = "-"
		}
		commit := "-"
		if c, dirty := strings.CutSuffix(r.GitCommit, "-dirty"); c != "" {
			commit = c[:min(len(c), 12)]
			if dirty {
				commit += "-dirty"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", backend.Printable(r.ID), r.Started.UTC().Format("2006-01-02 15:04:05"),
			backend.Printable(who), backend.Printable(r.Operation), stepCounts(r), outcome(r, holder), took, backend.Printable(commit))
	}
	return tw.Flush()
}

// outcome says how a run ended, from its journal entries: a step
// started and never ended (interrupted: killed, or cut off), a step
// that failed, steps never started though none failed (stopped: Ctrl-C
// or a lost lock, the executor journals them as skipped), or every step
// done.
func outcome(r backend.Run, holder *backend.LockInfo) string {
	unended := r.Steps[providers.JournalStart] - r.Steps[providers.JournalDone] - r.Steps[providers.JournalFailed]
	switch {
	case holder != nil && holder.ID == r.ID:
		return "running"
	case unended > 0:
		return "interrupted"
	case r.Steps[providers.JournalFailed] > 0:
		return "failed"
	case r.Steps[providers.JournalSkipped] > 0:
		return "stopped"
	case r.Steps[providers.JournalStart] == 0:
		return "no steps"
	}
	return "complete"
}

// stepCounts is "done/all": the steps done of all the run knew of
// (started, or journaled as never started).
func stepCounts(r backend.Run) string {
	return fmt.Sprintf("%d/%d", r.Steps[providers.JournalDone], r.Steps[providers.JournalStart]+r.Steps[providers.JournalSkipped])
}

// showRun prints one run's steps, each with its start, end and outcome.
func showRun(ws *workspace, id string, asJSON bool, s *streams) error {
	entries, _, err := ws.backend.Journal().Entries()
	if err != nil {
		return fmt.Errorf("read the journal from %s: %w", ws.backend, err)
	}
	var mine []providers.JournalEntry
	for _, e := range entries {
		if e.Apply == id {
			mine = append(mine, e)
		}
	}
	if len(mine) == 0 {
		return fmt.Errorf("no run %s in the journal of %s: exdr history lists the runs", backend.Printable(id), ws.backend)
	}
	if asJSON {
		return writeJSON(s.stdout, mine)
	}
	type step struct {
		id                   string
		start, end           time.Time
		event, error, output string
	}
	var order []string
	steps := map[string]*step{}
	for _, e := range mine {
		st := steps[e.Step]
		if st == nil {
			st = &step{id: e.Step}
			steps[e.Step] = st
			order = append(order, e.Step)
		}
		if e.Event == providers.JournalStart {
			st.start = e.Time
			continue
		}
		st.end, st.event, st.error, st.output = e.Time, string(e.Event), e.Error, e.Output
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Run %s, %s:\n", backend.Printable(id), plural(len(order), "step"))
	fmt.Fprintln(tw, "STEP\tSTARTED (UTC)\tTOOK\tOUTCOME")
	for _, sid := range order {
		st := steps[sid]
		started, took, what := "-", "-", st.event
		if !st.start.IsZero() {
			started = st.start.UTC().Format("15:04:05.000")
		}
		if !st.start.IsZero() && !st.end.IsZero() {
			took = st.end.Sub(st.start).Round(time.Millisecond).String()
		}
		if what == "" {
			what = "interrupted (no end recorded)"
		}
		if st.error != "" {
			what += ": " + backend.Printable(st.error)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", backend.Printable(st.id), started, took, what)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// What each step's commands printed, as the journal kept it.
	for _, sid := range order {
		if out := steps[sid].output; out != "" {
			fmt.Fprintf(s.stdout, "\nOutput of %s:\n", backend.Printable(sid))
			for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
				fmt.Fprintf(s.stdout, "  %s\n", backend.Printable(strings.TrimRight(line, "\r")))
			}
		}
	}
	return nil
}
