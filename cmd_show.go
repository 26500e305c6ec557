package main

import (
	"context"
	"fmt"

	"github.com/exdr/exdr/planner"
)

func cmdShow(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "show", "show [-json|-markdown] PLANFILE")
	asJSON := fs.Bool("json", false, "print the plan as JSON")
	asMarkdown := fs.Bool("markdown", false, "print the plan as Markdown, for a pull-request comment")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("show takes one plan file, as written by exdr plan -out FILE")
	}
	if *asJSON && *asMarkdown {
		return fmt.Errorf("give -json or -markdown, not both")
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
	p, err := ws.makePlan(ctx, planner.Options{AllowDataLoss: *allowDataLoss}, s)
	if err != nil {
		return err
	}
	return planner.WriteDOT(s.stdout, p)
}
