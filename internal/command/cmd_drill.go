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

	"github.com/exdr/exdr/drill"
	"github.com/exdr/exdr/internal/atomicfile"
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
	history := fs.Bool("history", false, "list the drills run so far, from their reports, with verdicts and recovery-time trends")
	scenario := fs.String("scenario", "", "run only this drill")
	keep := fs.Bool("keep", false, "keep the lab copy each drill ran on, and say where")
	lockWait := fs.Duration("lock-timeout", 0, "wait this long for the lab's lock (another run's) before copying it, or before a drill in place")
	var vars varFlags
	vars.register(fs)
	ws, err := parseWorkspace(fs, &vars, args, s)
	if err != nil {
		return err
	}
	if *history {
		runs, err := drill.History(ws.dir)
		if err != nil {
			return err
		}
		return drill.WriteHistory(s.stdout, runs)
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
	estimates, err := drill.LoadEstimates(ws.dir)
	if err != nil {
		return err
	}
	snapshot := estimates.Clone()
	var learned []string
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
		md, err := writeReports(ws.dir, rep)
		if err != nil {
			return fmt.Errorf("drill %s: write the report: %w", dr.Name, err)
		}
		verdict := s.okColor("PASS")
		if rep.Verdict != "pass" {
			verdict, failed = "FAIL", failed+1
		}
		messages := ""
		if rep.MessagesQueued > 0 {
			messages = fmt.Sprintf("; %d of %s delivered", rep.MessagesQueued-len(rep.MessagesLost), plural(rep.MessagesQueued, "queued message"))
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
		estimates.Learn(dr.Name, rep.Measured, rep.Started)
		for verb := range rep.Measured {
			if !slices.Contains(learned, verb) {
				learned = append(learned, verb)
			}
		}
	}
	if len(learned) > 0 {
		if err := estimates.Save(ws.dir); err != nil {
			return fmt.Errorf("keep the measured rates: %w", err)
		}
		slices.Sort(learned)
		fmt.Fprintf(s.stdout, "Measured %s: later plans estimate from them (%s).\n", strings.Join(learned, ", "), drill.EstimatesFile)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %s failed", failed, plural(len(drills), "drill"))
	}
	return nil
}

// writeReports writes drills/NAME/TIME.md, .json and .html beside the
// configuration, never over an earlier report, and returns the Markdown's
// path.
func writeReports(dir string, rep *drill.Report) (string, error) {
	base := filepath.Join(dir, "drills", rep.Drill, rep.Started.Format("20060102T150405Z"))
	for i := 2; fileExists(base+".md") || fileExists(base+".json") || fileExists(base+".html"); i++ {
		base = filepath.Join(dir, "drills", rep.Drill, fmt.Sprintf("%s-%d", rep.Started.Format("20060102T150405Z"), i))
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return "", err
	}
	var md, js, page bytes.Buffer
	if err := drill.WriteMarkdown(&md, rep); err != nil {
		return "", err
	}
	if err := drill.WriteHTML(&page, rep); err != nil {
		return "", err
	}
	if err := atomicfile.WriteFile(base+".html", page.Bytes(), 0o644); err != nil {
		return "", err
	}
	if err := drill.WriteJSON(&js, rep); err != nil {
		return "", err
	}
	if err := atomicfile.WriteFile(base+".json", js.Bytes(), 0o644); err != nil {
		return "", err
	}
	return base + ".md", atomicfile.WriteFile(base+".md", md.Bytes(), 0o644)
}
