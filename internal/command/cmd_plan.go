package command

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers/ems"
	"github.com/exdr/exdr/run"
	"github.com/exdr/exdr/runbook"
)

type planOptions struct {
	dir           string
	out           string
	json          bool
	detailed      bool
	targets       []string
	vars          []lang.VarArg
	allowDataLoss bool
	removeRSG     bool
	runbook       bool
	markdown      bool
	lock          lockFlags
}

func cmdPlan(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "plan", "plan [-out FILE] [-json|-markdown|-runbook] [-detailed-exitcode] [-target ADDR]... [-allow-data-loss] [-remove-recovery-groups] [-input=false] [-lock=false] [-lock-timeout D] [-var NAME=VALUE]... [-var-file FILE]... [DIR]")
	var opts planOptions
	var targets targetFlags
	fs.StringVar(&opts.out, "out", "", "save the plan to FILE, for exdr apply FILE")
	fs.BoolVar(&opts.json, "json", false, "print the plan as JSON")
	inputFlag(fs, s) // a plan asks nothing; taken so a script can give it to every command, as to Terraform's
	fs.BoolVar(&opts.markdown, "markdown", false, "print the plan as Markdown, for a pull-request comment or a change ticket")
	fs.BoolVar(&opts.runbook, "runbook", false, "print the plan as a break-glass runbook (Markdown, with one PowerShell script for the whole recovery)")
	fs.BoolVar(&opts.detailed, "detailed-exitcode", false, "exit 2 when the plan has steps, 0 when it has none")
	fs.Var(&targets, "target", "plan only this resource and what it depends on (repeatable)")
	fs.BoolVar(&opts.allowDataLoss, "allow-data-loss", false, "permit steps that lose data for every resource")
	fs.BoolVar(&opts.removeRSG, "remove-recovery-groups", false, "remove recovery storage groups the configuration does not name (files set aside)")
	opts.lock.register(fs)
	var vars varFlags
	vars.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir, err := dirArg(fs)
	if err != nil {
		return err
	}
	opts.dir, opts.vars, opts.targets = dir, vars.args, targets
	if btoi(opts.json)+btoi(opts.markdown)+btoi(opts.runbook) > 1 {
		return fmt.Errorf("give one of -json, -markdown and -runbook")
	}
	ctx, stop := interruptible(ctx)
	defer stop()
	return runPlan(ctx, opts, s)
}

func runPlan(ctx context.Context, opts planOptions, s *streams) error {
	popts := planner.Options{AllowDataLoss: opts.allowDataLoss, Targets: opts.targets, RemoveLeftoverRecoveryGroups: opts.removeRSG,
		RecordFacts: opts.out != ""}
	early := startEarlyPlan(ctx, opts, popts, s)
	ws, err := openWorkspace(opts.dir, opts.vars, s)
	if err != nil {
		early.abandon()
		return err
	}
	// The lock keeps an apply from changing the organization while it is
	// read, as Terraform's plan does; it is let go before printing.
	var p *planner.Plan
	if early.serves(ws) {
		p, err = early.finish(ws, s)
	} else {
		early.abandon()
		err = run.Locked(ctx, planLock(opts, ws.backend), func(msg string) { printWarning(s, msg) },
			func(ctx context.Context, _ string) error {
				var err error
				p, err = ws.readAndPlan(ctx, popts, s)
				return err
			})
	}
	if err != nil {
		return err
	}
	// The plan file first: a plan that could not be saved is a failure
	// said before anything is printed, so that -json prints one document.
	if opts.out != "" {
		f := planner.NewFile(p, ws.dir, planner.FileProvider{Type: ws.cfg.Org.Provider.Type, Path: ws.provPath,
			Backend: ws.cfg.Org.Backend.Type, BackendConnStr: ws.cfg.Org.Backend.ConnStr,
			PowerShell: ws.cfg.Org.Provider.PowerShell, DomainController: ws.cfg.Org.Provider.DomainController}, time.Now())
		f.AllowDataLoss, f.Targets = opts.allowDataLoss, opts.targets
		var keep []lang.VarArg
		keep, f.Env, f.Omitted = savedVars(opts.vars, s.env, ws.cfg.Sensitive)
		f.Vars = toFileVars(keep)
		if err := checkPlanOut(opts.out, ws.provPath, ws.cfg.Org); err != nil {
			return err
		}
		if err := f.Save(opts.out); err != nil {
			return fmt.Errorf("save the plan: %w", err)
		}
	}
	switch {
	case btoi(opts.json)+btoi(opts.markdown)+btoi(opts.runbook) > 1:
		return fmt.Errorf("give one of -json, -markdown and -runbook")
	case opts.markdown:
		err = planner.WriteMarkdown(s.stdout, p)
	case opts.runbook:
		err = runbook.Write(s.stdout, p, ems.Options{DomainController: ws.cfg.Org.Provider.DomainController})
	case opts.json:
		err = planner.WriteJSON(s.stdout, p)
	default:
		err = planner.WriteText(s.stdout, p, planner.TextOptions{Color: s.color(false)})
	}
	if err != nil {
		return err
	}
	if opts.out != "" && !opts.json && !opts.runbook && !opts.markdown {
		fmt.Fprintf(s.stdout, "\nSaved the plan to %s. To carry it out exactly: exdr apply %s\n", opts.out, opts.out)
		if _, _, omitted := savedVars(opts.vars, s.env, ws.cfg.Sensitive); len(omitted) > 0 {
			fmt.Fprintf(s.stdout, "The plan file does not keep the sensitive %s %s for the check after the apply (its steps hold the values they set: keep the file as you keep secrets). When you apply it, set %s to the same %s, so that exdr can check the organization against the configuration afterwards.\n",
				verbFor(len(omitted), "variable", "variables"), strings.Join(omitted, ", "), envNames(omitted), verbFor(len(omitted), "value", "values"))
		}
	}
	// A resource that could not be read is not known to match: 2, as
	// for changes, never 0.
	if opts.detailed && (p.Changes() || len(p.Unreadable) > 0 || len(p.Waiting) > 0) {
		return exitStatus(exitChanges)
	}
	return nil
}

func toFileVars(args []lang.VarArg) []planner.FileVar {
	out := make([]planner.FileVar, len(args))
	for i, a := range args {
		out[i] = planner.FileVar{File: a.File, Name: a.Name, Value: a.Value}
	}
	return out
}

func fromFileVars(vars []planner.FileVar) []lang.VarArg {
	out := make([]lang.VarArg, len(vars))
	for i, v := range vars {
		out[i] = lang.VarArg{File: v.File, Name: v.Name, Value: v.Value}
	}
	return out
}
