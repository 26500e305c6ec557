package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/drill"
	"github.com/exdr/exdr/internal/atomicfile"
	"github.com/exdr/exdr/internal/english"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers/lab"
)

// cmdDrill is "exdr drill": each drill of the configuration run on a copy
// of its lab, judged, and reported next to the configuration.
//
// Long on purpose: the flags, then each drill in turn and its report;
// what a drill does is in package drill.
func cmdDrill(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "drill", "drill [-scenario NAME] [-keep] [-in-place [-auto-approve]] [-lock-timeout D] [-history] [-var NAME=VALUE]... [-var-file FILE]... [DIR]")
	inPlace := fs.Bool("in-place", false, "run on the configuration's lab itself, not a copy: its data is really damaged (asks first)")
	autoApprove := fs.Bool("auto-approve", false, "with -in-place, do not ask")
	inputFlag(fs, s)
	history := fs.Bool("history", false, "list the drills run so far (from the backend when it keeps them, else from the reports under drills/), with verdicts and recovery-time trends")
	scenario := fs.String("scenario", "", "run only this drill")
	keep := fs.Bool("keep", false, "keep the lab copy each drill ran on, and say where")
	lockWait := fs.Duration("lock-timeout", 0, "wait this long for the lab's lock (another run's) before copying it, or before a drill in place")
	var vars varFlags
	vars.register(fs)
	ws, err := parseWorkspace(fs, &vars, args, s)
	if err != nil {
		return err
	}
	keeper, _ := ws.backend.(backend.DrillKeeper)
	if *history {
		return drillHistory(ctx, ws, keeper, s)
	}
	if ws.cfg.Org.Provider.Type != "lab" {
		return fmt.Errorf("drills run on the embedded lab; the configuration in %s uses provider %q", ws.dir, ws.cfg.Org.Provider.Type)
	}
	drills := ws.cfg.Drills
	if *scenario != "" {
		drills = slices.DeleteFunc(slices.Clone(drills), func(d *org.Drill) bool { return d.Name != *scenario })
		if len(drills) == 0 {
			var names []string
			for _, d := range ws.cfg.Drills {
				names = append(names, d.Name)
			}
			return fmt.Errorf("no drill %q in the configuration; its drills are: %s", *scenario, strings.Join(names, ", "))
		}
	}
	if len(drills) == 0 {
		return errors.New("the configuration declares no drill: add a drill block, such as drill \"lose_mbx01\" { disaster \"lose_server\" { server = \"MBX01\" } }")
	}
	if *inPlace && !*autoApprove {
		if err := confirm(ctx, s, fmt.Sprintf("Run %s on the lab at %s itself? Its databases, logs and servers are really damaged, then recovered as the plan can.", plural(len(drills), "drill"), ws.provPath),
			errors.New("drill -in-place asks before it damages the lab, and cannot ask here (no terminal, or -input=false): give -auto-approve")); err != nil {
			return err
		}
	}
	// Every drill of this run plans with what earlier runs measured; what
	// this run measures is kept for the next.
	if keeper != nil {
		// Reports a run kept only here (the database out of reach, or
		// an exdr before the backend) join the team's first.
		if err := pushLocalReports(ctx, ws, keeper, s); err != nil {
			return err
		}
	}
	snapshot, err := loadEstimates(ctx, ws, keeper, s)
	if err != nil {
		return err
	}
	var learnings []learning
	keptLocally := 0
	ctx, stop := interruptible(ctx)
	signal.Ignore(syscall.SIGPIPE) // a drill goes on if its output goes away, as an apply does
	defer stop()
	failed := 0
	for _, dr := range drills {
		work, err := os.MkdirTemp("", "exdr-drill-"+dr.Name+"-")
		if err != nil {
			return err
		}
		labDir := filepath.Join(work, "lab")
		if dr == drills[0] && !lab.Exists(ws.provPath) {
			fmt.Fprintf(s.stdout, "There is no lab at %s yet: each drill builds the organization in a fresh one first.\n", ws.provPath)
		}
		rep, err := drill.Run(ctx, ws.cfg.Org, ws.provPath, dr, drill.Options{Work: labDir, InPlace: *inPlace, Estimates: snapshot, LockWait: *lockWait, Backend: ws.backend})
		if !*keep {
			os.RemoveAll(work)
		}
		if err != nil {
			return fmt.Errorf("drill %s: %w", dr.Name, err)
		}
		md, js, err := writeReports(ws.dir, rep)
		if err != nil {
			return fmt.Errorf("drill %s: write the report: %w", dr.Name, err)
		}
		if keeper != nil {
			if err := keeper.SaveDrill(ctx, drill.RecordOf(rep, js)); err != nil {
				keptLocally++
				fmt.Fprintf(s.stderr, "%s drill %s: its report could not be kept in %s (%v). It is under drills/, and the next exdr drill that reaches the database adds it there.\n",
					s.warnColor("Warning:"), dr.Name, ws.backend, err)
			}
		}
		verdict := s.okColor("PASS")
		if rep.Verdict != "pass" {
			verdict, failed = "FAIL", failed+1
		}
		messages := ""
		if rep.MessagesQueued > 0 {
			messages = fmt.Sprintf("; %d of %s delivered", rep.MessagesQueued-len(rep.MessagesLost), plural(rep.MessagesQueued, "queued message"))
		}
		for _, u := range rep.UsersBack {
			if u.Standby {
				// Users on a standby are back before the recovery ends.
				messages += fmt.Sprintf("; users of %s back on the standby in about %s", u.Address, planner.RoundEstimate(u.Estimate))
			}
		}
		if fb := rep.Failback; fb != nil && fb.Error == "" && fb.Converged {
			messages += fmt.Sprintf("; failback took them home after an outage of about %s", planner.RoundEstimate(fb.Outage))
		}
		fmt.Fprintf(s.stdout, "Drill %s: %s. Recovery about %s (objective %s); %d of %s back%s.\n",
			dr.Name, verdict, planner.RoundEstimate(rep.EstimatedRTO), planner.RoundEstimate(time.Duration(rep.Objectives.RTO)), rep.ItemsBefore-len(rep.Lost), plural(rep.ItemsBefore, "item"), messages)
		for _, why := range rep.Reasons {
			fmt.Fprintf(s.stdout, "  - %s\n", why)
		}
		rel, _ := filepath.Rel(ws.dir, md)
		fmt.Fprintf(s.stdout, "  Report: %s\n", filepath.ToSlash(rel))
		if *keep {
			fmt.Fprintf(s.stdout, "  The lab it ran on is kept at %s\n", labDir)
		}
		if len(rep.Measured) > 0 {
			learnings = append(learnings, learning{dr.Name, rep.Measured, rep.Started})
		}
	}
	if len(learnings) > 0 {
		var verbs []string
		for _, l := range learnings {
			for verb := range l.measured {
				if !slices.Contains(verbs, verb) {
					verbs = append(verbs, verb)
				}
			}
		}
		slices.Sort(verbs)
		where := drill.EstimatesFile
		switch {
		case keeper == nil:
			if err := saveLearnings(ws, learnings); err != nil {
				return fmt.Errorf("keep the measured rates: %w", err)
			}
		case keptLocally > 0:
			where = "in the reports under drills/ until they reach " + ws.backend.String()
		default:
			where = "with the reports in " + ws.backend.String()
		}
		fmt.Fprintf(s.stdout, "Measured %s: later plans estimate from them (%s).\n", strings.Join(verbs, ", "), where)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %s failed", failed, plural(len(drills), "drill"))
	}
	return nil
}

// learning is what one drill measured, to fold into the estimates.
type learning struct {
	drill    string
	measured map[string]float64
	at       time.Time
}

// loadEstimates are the rates earlier drills measured. With a backend
// that keeps drills: folded from its reports and those under drills/ it
// lacks (a report kept only here still counts); a database out of reach
// is a warning, and the reports here alone are used. Without one:
// drills/estimates.json.
func loadEstimates(ctx context.Context, ws *workspace, keeper backend.DrillKeeper, s *streams) (*drill.Estimates, error) {
	if keeper == nil {
		return drill.LoadEstimates(ws.dir)
	}
	local, localErr := drill.History(ws.dir)
	if localErr != nil {
		printWarning(s, fmt.Sprintf("%v: the estimates leave the reports here out.", localErr))
	}
	recs, err := keeper.Drills(ctx)
	if err != nil {
		printWarning(s, fmt.Sprintf("the drills' rates could not be read from %s (%v): the estimates use the reports under drills/ here alone.", ws.backend, err))
	}
	kept := drill.PastOf(recs)
	return drill.EstimatesFrom(append(kept, drill.NotIn(local, kept)...)), nil
}

// pushLocalReports adds to the backend the reports under drills/ it
// lacks, and says how many.
func pushLocalReports(ctx context.Context, ws *workspace, keeper backend.DrillKeeper, s *streams) error {
	local, err := drill.History(ws.dir)
	if err != nil {
		return err
	}
	if len(local) == 0 {
		return nil
	}
	recs, err := keeper.Drills(ctx)
	if err != nil {
		return fmt.Errorf("read the drill reports from %s: %w", ws.backend, err)
	}
	missing := drill.NotIn(local, drill.PastOf(recs))
	for _, p := range missing {
		rec, err := drill.RecordOfFile(p)
		if err == nil {
			err = keeper.SaveDrill(ctx, rec)
		}
		if err != nil {
			return fmt.Errorf("add %s to %s: %w", p.Report, ws.backend, err)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(s.stdout, "Added %s under drills/ to %s.\n", plural(len(missing), "report"), ws.backend)
	}
	return nil
}

// saveLearnings folds what this run's drills measured into
// drills/estimates.json, read again just before.
func saveLearnings(ws *workspace, learnings []learning) error {
	e, err := drill.LoadEstimates(ws.dir)
	if err != nil {
		return err
	}
	for _, l := range learnings {
		e.Learn(l.drill, l.measured, l.at)
	}
	return e.Save(ws.dir)
}

// drillHistory lists the drills run so far: with a backend that keeps
// them, its reports and those under drills/ it lacks (said so); else the
// reports under drills/.
func drillHistory(ctx context.Context, ws *workspace, keeper backend.DrillKeeper, s *streams) error {
	local, localErr := drill.History(ws.dir)
	if keeper == nil {
		if localErr != nil {
			return localErr
		}
		return drill.WriteHistory(s.stdout, local)
	}
	if localErr != nil {
		printWarning(s, fmt.Sprintf("%v: the reports here are left out.", localErr))
	}
	recs, err := keeper.Drills(ctx)
	if err != nil {
		printWarning(s, fmt.Sprintf("the drill history could not be read from %s (%v): these are the reports under drills/ here alone.", ws.backend, err))
		return drill.WriteHistory(s.stdout, local)
	}
	kept := drill.PastOf(recs)
	missing := drill.NotIn(local, kept)
	runs := append(kept, missing...)
	slices.SortStableFunc(runs, func(a, b drill.Past) int { return a.Started.Compare(b.Started) })
	if err := drill.WriteHistory(s.stdout, runs); err != nil {
		return err
	}
	if len(missing) > 0 {
		fmt.Fprintf(s.stdout, "%s under drills/ %s not in %s yet (written before it was configured, or while it could not be reached): the next exdr drill adds %s.\n",
			plural(len(missing), "report"), english.Agree(len(missing), "is", "are"), ws.backend, english.Agree(len(missing), "it", "them"))
	}
	return nil
}

// writeReports writes drills/NAME/TIME.md, .json and .html beside the
// configuration, never over an earlier report, and returns the Markdown's
// path and the JSON.
func writeReports(dir string, rep *drill.Report) (string, []byte, error) {
	base := filepath.Join(dir, "drills", rep.Drill, rep.Started.Format("20060102T150405Z"))
	for i := 2; fileExists(base+".md") || fileExists(base+".json") || fileExists(base+".html"); i++ {
		base = filepath.Join(dir, "drills", rep.Drill, fmt.Sprintf("%s-%d", rep.Started.Format("20060102T150405Z"), i))
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return "", nil, err
	}
	var md, js, page bytes.Buffer
	if err := drill.WriteMarkdown(&md, rep); err != nil {
		return "", nil, err
	}
	if err := drill.WriteHTML(&page, rep); err != nil {
		return "", nil, err
	}
	if err := atomicfile.WriteFile(base+".html", page.Bytes(), 0o644); err != nil {
		return "", nil, err
	}
	if err := drill.WriteJSON(&js, rep); err != nil {
		return "", nil, err
	}
	if err := atomicfile.WriteFile(base+".json", js.Bytes(), 0o644); err != nil {
		return "", nil, err
	}
	return base + ".md", js.Bytes(), atomicfile.WriteFile(base+".md", md.Bytes(), 0o644)
}
