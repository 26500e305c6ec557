package command

import (
	"context"
	"fmt"

	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers/ems"
	"github.com/exdr/exdr/runbook"
)

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmdShow(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "show", "show [-json|-markdown|-runbook] PLANFILE")
	asJSON := fs.Bool("json", false, "print the plan as JSON")
	asMarkdown := fs.Bool("markdown", false, "print the plan as Markdown, for a pull-request comment")
	asRunbook := fs.Bool("runbook", false, "print the plan as a break-glass runbook: numbered steps in Markdown, each with its Exchange Management Shell script or what to do by hand, and one script for the whole recovery")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("show takes one plan file, as written by exdr plan -out FILE")
	}
	if n := btoi(*asJSON) + btoi(*asMarkdown) + btoi(*asRunbook); n > 1 {
		return fmt.Errorf("give one of -json, -markdown and -runbook")
	}
	_, p, err := planner.LoadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		return planner.WriteJSON(s.stdout, p)
	case *asMarkdown:
		return planner.WriteMarkdown(s.stdout, p)
	case *asRunbook:
		return runbook.Write(s.stdout, p, ems.Options{})
	}
	return planner.WriteText(s.stdout, p, planner.TextOptions{Color: s.color(false)})
}

func cmdGraph(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "graph", "graph [-allow-data-loss] [-var NAME=VALUE]... [-var-file FILE]... [DIR]")
	allowDataLoss := fs.Bool("allow-data-loss", false, "permit steps that lose data, as plan does")
	var vars varFlags
	vars.register(fs)
	ws, err := parseWorkspace(fs, &vars, args, s)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(ctx)
	defer stop()
	p, err := ws.readAndPlan(ctx, planner.Options{AllowDataLoss: *allowDataLoss}, s)
	if err != nil {
		return err
	}
	return planner.WriteDOT(s.stdout, p)
}
