package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/all"
	"github.com/exdr/exdr/run"
)

// workspace is a loaded configuration with the provider it names.
type workspace struct {
	dir      string // absolute
	cfg      *lang.Config
	provider providers.Provider
	provPath string // absolute, for providers with a path
	backend  backend.Backend
}

// openWorkspace loads the configuration in dir, printing its diagnostics,
// and opens its provider.
func openWorkspace(dir string, vars []lang.VarArg, s *streams) (*workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	cfg, diags, err := loadInterruptibly(dir, lang.Options{Vars: vars, Env: s.env, Cache: lang.CacheDir(s.env)})
	if err != nil {
		return nil, err
	}
	s.diagnostics(cfg.DiagnosticFiles(diags), diags)
	if diags.HasErrors() {
		return nil, errReported
	}
	prov, err := all.Open(cfg.Org.Provider, abs, cfg.Org.Name)
	if err != nil {
		return nil, err
	}
	be, err := all.Backend(cfg.Org, abs)
	if err != nil {
		return nil, err
	}
	return &workspace{dir: abs, cfg: cfg, provider: prov, provPath: all.Resolve(cfg.Org.Provider, abs), backend: be}, nil
}

// errLoadInterrupted is a load of the configuration stopped by Ctrl-C or
// SIGTERM.
var errLoadInterrupted = errors.New("interrupted while the configuration was read (a -var-file that is a pipe no program writes to waits for ever)")

// loadInterruptibly is lang.LoadDir, given up on at Ctrl-C or SIGTERM: a
// -var-file that is a named pipe no program writes to blocks its open in
// the kernel, and the commands that catch those signals (plan, apply)
// then could not be stopped but by kill -9 (own issue). The load left
// behind ends with the process.
func loadInterruptibly(dir string, opts lang.Options) (*lang.Config, hcl.Diagnostics, error) {
	ctx, stop := interruptible(context.Background())
	defer stop()
	type loaded struct {
		cfg   *lang.Config
		diags hcl.Diagnostics
	}
	done := make(chan loaded, 1)
	go func() {
		cfg, diags := lang.LoadDir(dir, opts)
		done <- loaded{cfg, diags}
	}()
	select {
	case l := <-done:
		return l.cfg, l.diags, nil
	case <-ctx.Done():
		return nil, nil, errLoadInterrupted
	}
}

// parseWorkspace parses a command's flags (vars registered on fs) and
// opens the workspace in its one optional DIR argument.
func parseWorkspace(fs *flag.FlagSet, vars *varFlags, args []string, s *streams) (*workspace, error) {
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	dir, err := dirArg(fs)
	if err != nil {
		return nil, err
	}
	return openWorkspace(dir, vars.args, s)
}

// readAndPlan reads the live organization, without the lock, and plans.
func (ws *workspace) readAndPlan(ctx context.Context, opts planner.Options, s *streams) (*planner.Plan, error) {
	live, err := ws.provider.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the live organization: %w", err)
	}
	return ws.planLive(ctx, live, opts, s)
}

// planLive plans from the live organization, printing refusals.
func (ws *workspace) planLive(ctx context.Context, live *org.Org, opts planner.Options, s *streams) (*planner.Plan, error) {
	if err := learnedEstimates(ctx, ws, live, s); err != nil {
		return nil, err
	}
	if err := checkTargets(ws, opts.Targets); err != nil {
		return nil, err
	}
	owed, err := owedSteps(ws.backend, live)
	if err != nil {
		return nil, err
	}
	opts.Owed = owed
	p, diags := planner.New(ws.cfg.Org, live, opts)
	s.diagnostics(ws.cfg.DiagnosticFiles(diags), diags)
	if diags.HasErrors() {
		return nil, errReported
	}
	return p, nil
}

// owedSteps reads the journal for the steps an earlier apply owes
// (planner.Options.Owed), when the organization holds what such a run
// leaves. A journal that cannot be read stops the plan: without it, a
// refill cut short would be planned as done.
func owedSteps(be backend.Backend, live *org.Org) (map[string]bool, error) {
	if be == nil || !planner.OwesJournal(live) {
		return nil, nil
	}
	owed, err := run.Owed(be.Journal())
	if err != nil {
		return nil, fmt.Errorf("read the journal %s for a recovery an earlier apply left unfinished (a recovery storage group of exdr's own is there): %w. Make the journal readable, then plan again", be, err)
	}
	return owed, nil
}

// checkTargets refuses a -target that names no resource of the
// configuration, which would otherwise plan nothing without a word.
func checkTargets(ws *workspace, targets []string) error {
	if len(targets) == 0 {
		return nil
	}
	addrs := planner.Addresses(ws.cfg.Org)
	for _, t := range targets {
		if !slices.Contains(addrs, t) {
			hint := lang.Suggest(t, addrs)
			if hint == "" {
				hint = " Give an address as the configuration spells it, such as mailbox_database.DB1 or queue_database.HUB01."
			}
			return fmt.Errorf("-target %s names no resource of the configuration.%s", t, hint)
		}
	}
	return nil
}

// savedVars are what a plan file keeps of the variables a plan was made
// with: the -var and -var-file arguments (a -var-file by its absolute
// path) and the EXDR_VAR_ environment, less the values of sensitive
// variables, which it names (omitted) instead.
func savedVars(args []lang.VarArg, env []string, sensitive map[string]bool) (keep []lang.VarArg, keepEnv, omitted []string) {
	seen := map[string]bool{}
	omit := func(name string) {
		if !seen[name] {
			seen[name] = true
			omitted = append(omitted, name)
		}
	}
	for _, kv := range env {
		name, _, ok := lang.EnvVar(kv)
		switch {
		case !ok:
		case sensitive[name]:
			omit(name)
		default:
			keepEnv = append(keepEnv, kv)
		}
	}
	for _, a := range args {
		if a.File != "" {
			if abs, err := filepath.Abs(a.File); err == nil {
				a.File = abs
			}
			keep = append(keep, a)
			continue
		}
		if sensitive[a.Name] {
			omit(a.Name)
			continue
		}
		keep = append(keep, a)
	}
	return keep, keepEnv, omitted
}

// targetFlags collects repeated -target flags.
type targetFlags []string

func (t *targetFlags) String() string     { return fmt.Sprint(*t) }
func (t *targetFlags) Set(v string) error { *t = append(*t, v); return nil }

// learnedEstimates gives the plan the rates earlier drills measured (see
// loadEstimates) for the verbs the organization has not measured itself.
func learnedEstimates(ctx context.Context, ws *workspace, live *org.Org, s *streams) error {
	keeper, _ := ws.backend.(backend.DrillKeeper)
	est, err := loadEstimates(ctx, ws, keeper, s)
	if err != nil {
		return err
	}
	if live.Throughput == nil {
		live.Throughput = map[string]float64{}
	}
	est.Fill(live.Throughput)
	return nil
}
