package main

import (
	"context"
	"fmt"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab"
)

// labCommands are what happens to a lab from outside a plan: setting it
// up, and the damage drills and the walkthrough inflict.
var labCommands = []struct {
	name, usage, summary string
	run                  func(ctx context.Context, l *lab.Lab, args []string, s *streams) error
	nargs                int
}{
	{"init", "lab init [DIR]", "create an empty lab for the configuration in DIR", labInit, 0},
	{"crash", "lab crash [DIR] SERVER", "stop a server's Information Store abruptly, as a power cut would", labCrash, 1},
	{"dismount", "lab dismount [DIR] IDENTITY", "dismount a database cleanly, as Dismount-Database would", labDismount, 1},
}

func cmdLab(ctx context.Context, args []string, s *streams) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" {
		fmt.Fprintln(s.stderr, "Usage: exdr lab <command> [args]\n\nThe embedded lab organization of a configuration (its provider \"lab\").\n\nCommands:")
		for _, c := range labCommands {
			fmt.Fprintf(s.stderr, "  %-28s %s\n", c.usage, c.summary)
		}
		if len(args) == 0 {
			return errReported
		}
		return nil
	}
	for _, c := range labCommands {
		if c.name != args[0] {
			continue
		}
		fs := newFlags(s, "lab "+c.name, c.usage)
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		rest := fs.Args()
		dir := "."
		switch len(rest) {
		case c.nargs:
		case c.nargs + 1:
			dir, rest = rest[0], rest[1:]
		default:
			return fmt.Errorf("usage: exdr %s", c.usage)
		}
		ws, err := openWorkspace(dir, nil, s)
		if err != nil {
			return err
		}
		if ws.cfg.Org.Provider.Type != "lab" {
			return fmt.Errorf("the configuration in %s uses provider %q, not the lab", dir, ws.cfg.Org.Provider.Type)
		}
		return c.run(ctx, lab.New(ws.provPath, ws.cfg.Org.Name), rest, s)
	}
	return fmt.Errorf("no lab command %q: run exdr lab -h", args[0])
}

func labInit(_ context.Context, l *lab.Lab, _ []string, s *streams) error {
	existed := lab.Exists(l.Root())
	if _, err := lab.Init(l.Root(), ""); err != nil {
		return err
	}
	if existed {
		fmt.Fprintf(s.stdout, "A lab already exists at %s; it is left as it is.\n", l.Root())
		return nil
	}
	fmt.Fprintf(s.stdout, "Created an empty lab at %s. Run exdr apply to build the organization in it.\n", l.Root())
	return nil
}

func labCrash(_ context.Context, l *lab.Lab, args []string, s *streams) error {
	if !lab.Exists(l.Root()) {
		return fmt.Errorf("no lab at %s yet", l.Root())
	}
	if err := l.Crash(args[0]); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "%s crashed: its mounted databases are left in dirty shutdown.\n", args[0])
	return nil
}

func labDismount(ctx context.Context, l *lab.Lab, args []string, s *streams) error {
	if !lab.Exists(l.Root()) {
		return fmt.Errorf("no lab at %s yet", l.Root())
	}
	id := org.Identity(args[0])
	if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbDismount, Identity: id}, nil); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "%s dismounted.\n", id)
	return nil
}
