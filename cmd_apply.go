package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"os/user"
	"strings"
	"sync"
	"time"

	"github.com/exdr/exdr/executor"
	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/all"
	"github.com/exdr/exdr/providers/ems"
)

type applyOptions struct {
	target        string // DIR or a plan FILE
	autoApprove   bool
	parallelism   int
	lockTimeout   time.Duration
	allowDataLoss bool
	removeRSG     bool
	targets       []string
	vars          []lang.VarArg
}

func cmdApply(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "apply", "apply [-auto-approve] [-parallelism N] [-lock-timeout D] [-allow-data-loss] [-target ADDR]... [-var NAME=VALUE]... [-var-file FILE]... [DIR|PLANFILE]")
	var opts applyOptions
	var targets targetFlags
	fs.BoolVar(&opts.autoApprove, "auto-approve", false, "carry out the plan without asking")
	fs.IntVar(&opts.parallelism, "parallelism", 10, "run at most N independent steps at once")
	fs.DurationVar(&opts.lockTimeout, "lock-timeout", 0, "wait this long for another apply's lock, such as 30s")
	fs.BoolVar(&opts.allowDataLoss, "allow-data-loss", false, "permit steps that lose data for every resource")
	fs.BoolVar(&opts.removeRSG, "remove-recovery-groups", false, "remove recovery storage groups the configuration does not name (files set aside)")
	fs.Var(&targets, "target", "apply only this resource and what it depends on (repeatable)")
	var vars varFlags
	vars.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	target, err := dirArg(fs)
	if err != nil {
		return err
	}
	if opts.parallelism < 1 {
		return fmt.Errorf("-parallelism must be at least 1")
	}
	opts.target, opts.vars, opts.targets = target, vars.args, targets
	if st, err := os.Stat(target); err == nil && st.Mode().IsRegular() {
		if len(opts.vars) > 0 || len(opts.targets) > 0 || opts.allowDataLoss || opts.removeRSG {
			return fmt.Errorf("a saved plan is applied as it was made: -var, -var-file, -target, -allow-data-loss and -remove-recovery-groups belong to the plan command")
		}
		return runApplySaved(ctx, opts, s)
	}
	return runApply(ctx, opts, s)
}

func runApply(ctx context.Context, opts applyOptions, s *streams) error {
	if !opts.autoApprove && !s.stdinTTY {
		// Refuse before the lock (and the lab) is touched.
		return errNoTerminal
	}
	ws, err := openWorkspace(opts.target, opts.vars, s)
	if err != nil {
		return err
	}
	lockCtx, applyID, unlock, err := lockOrg(ctx, ws.provider, "apply", opts.lockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	reportInterrupted(ws.provider, s)
	askForManualSteps(ws.provider, s)
	popts := planner.Options{AllowDataLoss: opts.allowDataLoss, Targets: opts.targets, RemoveLeftoverRecoveryGroups: opts.removeRSG}
	p, err := ws.makePlan(lockCtx, popts, s)
	if err != nil {
		return err
	}
	if err := planner.WriteText(s.stdout, p, planner.TextOptions{Color: s.color(false)}); err != nil {
		return err
	}
	if !p.Changes() {
		return nil
	}
	if !opts.autoApprove {
		if err := confirm(s, "Do you want to carry out these steps?"); err != nil {
			return err
		}
	}
	return executeAndVerify(lockCtx, applyID, ws.provider, p, opts, s, func(live *org.Org) (*planner.Plan, error) {
		p2, diags := planner.New(ws.cfg.Org, live, popts)
		if diags.HasErrors() {
			return nil, diags
		}
		return p2, nil
	})
}

func runApplySaved(ctx context.Context, opts applyOptions, s *streams) error {
	f, p, err := planner.LoadFile(opts.target)
	if err != nil {
		return err
	}
	prov, err := all.Open(org.ProviderConfig{Type: f.Provider.Type, Path: f.Provider.Path}, f.ConfigDir, p.Organization)
	if err != nil {
		return err
	}
	lockCtx, applyID, unlock, err := lockOrg(ctx, prov, "apply "+opts.target, opts.lockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	reportInterrupted(prov, s)
	live, err := prov.Read(lockCtx)
	if err != nil {
		return fmt.Errorf("read the live organization: %w", err)
	}
	if moved := f.Stale(live); len(moved) > 0 {
		fmt.Fprintf(s.stderr, "%s the saved plan is stale: %s moved since it was made at %s:\n",
			s.errColor("Error:"), plural(len(moved), "fact"), f.Created.Format(time.RFC3339))
		for _, m := range moved {
			fmt.Fprintf(s.stderr, "  %s\n", m)
		}
		fmt.Fprintf(s.stderr, "\nMake a new plan (exdr plan -out %s %s) and review it.\n", opts.target, f.ConfigDir)
		return errReported
	}
	if err := planner.WriteText(s.stdout, p, planner.TextOptions{Color: s.color(false)}); err != nil {
		return err
	}
	if !p.Changes() {
		return nil
	}
	return executeAndVerify(lockCtx, applyID, prov, p, opts, s, func(live *org.Org) (*planner.Plan, error) {
		cfg, diags := lang.LoadDir(f.ConfigDir, lang.Options{Vars: fromFileVars(f.Vars), Env: s.env})
		if diags.HasErrors() {
			return nil, fmt.Errorf("the configuration in %s no longer loads: %w", f.ConfigDir, diags)
		}
		p2, diags := planner.New(cfg.Org, live, planner.Options{AllowDataLoss: f.AllowDataLoss, Targets: f.Targets})
		if diags.HasErrors() {
			return nil, diags
		}
		return p2, nil
	})
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

var errNoTerminal = errors.New("apply asks before it changes anything, and there is no terminal to ask on: " +
	"review the plan with exdr plan and run apply -auto-approve, or save it with plan -out FILE and run apply FILE")

// confirm asks for "yes" on a terminal, and refuses without one.
func confirm(s *streams, question string) error {
	if !s.stdinTTY {
		return errNoTerminal
	}
	fmt.Fprintf(s.stdout, "\n%s\n  Only 'yes' will be accepted.\n\n  Enter a value: ", question)
	line, _ := bufio.NewReader(s.stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		fmt.Fprintln(s.stdout, "\nApply cancelled.")
		return errReported
	}
	fmt.Fprintln(s.stdout)
	return nil
}

// lockOrg takes the organization's lock, if the provider has one. The
// lock's ID also names the apply in the journal.
func lockOrg(ctx context.Context, prov providers.Provider, op string, wait time.Duration) (context.Context, string, func(), error) {
	id := newID()
	locker, ok := prov.(providers.Locker)
	if !ok {
		return ctx, id, func() {}, nil
	}
	info := providers.LockInfo{ID: id, Holder: holder(), Operation: op, Created: time.Now().UTC()}
	lockCtx, unlock, err := locker.Lock(ctx, info, wait)
	if err != nil {
		var locked *providers.LockedError
		if errors.As(err, &locked) {
			return nil, "", nil, fmt.Errorf("%w\nWait for it to finish (or give -lock-timeout); if no apply is running, remove the lock with: exdr force-unlock %s",
				err, locked.Info.ID)
		}
		return nil, "", nil, err
	}
	return lockCtx, id, func() { unlock() }, nil
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func holder() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s@%s (pid %d)", name, host, os.Getpid())
}

// executeAndVerify runs the plan, then reads the organization again and
// says whether it now matches the configuration.
func executeAndVerify(ctx context.Context, applyID string, prov providers.Provider, p *planner.Plan, opts applyOptions, s *streams,
	replan func(*org.Org) (*planner.Plan, error)) error {
	stop := make(chan struct{})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-sigs:
			close(stop)
			fmt.Fprintln(s.stderr, "\nStopping: no new step starts; running steps finish. Press Ctrl-C again to cancel them.")
		case <-done:
			return
		}
		select {
		case <-sigs:
			cancel()
		case <-done:
		}
	})
	defer func() { close(done); wg.Wait() }()

	out := newProgressView(s, len(p.Steps))
	var journal providers.Journal
	if j, ok := prov.(providers.Journaled); ok {
		journal = j.Journal()
	}
	start := time.Now()
	res := executor.Run(runCtx, p, func(ctx context.Context, step *providers.Step) error {
		return prov.Apply(ctx, step, out.progress(step))
	}, executor.Options{Parallelism: opts.parallelism, Journal: journal, ApplyID: applyID, Stop: stop, Observer: out})
	out.clear()
	counts := res.Count()
	elapsed := time.Since(start).Round(time.Millisecond)
	if res.Err == nil {
		fmt.Fprintf(s.stdout, "\n%s %s done in %s.\n", s.okColor("Apply complete!"), plural(counts[executor.Done], "step"), elapsed)
	} else {
		fmt.Fprintf(s.stdout, "\nApply incomplete: %d done, %d failed, %d skipped, %d not started, in %s.\n",
			counts[executor.Done], counts[executor.Failed], counts[executor.Skipped], counts[executor.Stopped]+counts[executor.Pending], elapsed)
	}

	// Read again under the lock, so nothing else has moved in between.
	verifyErr := verify(ctx, prov, replan, s)
	if res.Err != nil {
		return res.Err
	}
	return verifyErr
}

func verify(ctx context.Context, prov providers.Provider, replan func(*org.Org) (*planner.Plan, error), s *streams) error {
	live, err := prov.Read(ctx)
	if err != nil {
		return fmt.Errorf("read the organization after apply: %w", err)
	}
	p2, err := replan(live)
	switch {
	case err != nil:
		fmt.Fprintf(s.stdout, "Could not check the organization against the configuration: %s\n", err)
		return errReported
	case p2.Changes():
		remain := "remain"
		if len(p2.Steps) == 1 {
			remain = "remains"
		}
		fmt.Fprintf(s.stdout, "The organization does not match the configuration yet: %s %s. Run exdr plan to see them.\n", plural(len(p2.Steps), "step"), remain)
		return errReported
	}
	fmt.Fprintln(s.stdout, "The organization matches the configuration.")
	return nil
}

// askForManualSteps lets a provider with manual steps (ems) ask the
// person at the terminal to do them; without a terminal such a step stops
// the apply with its instructions.
func askForManualSteps(prov providers.Provider, s *streams) {
	p, ok := prov.(*ems.Provider)
	if !ok || !s.stdinTTY {
		return
	}
	var mu sync.Mutex // steps run in parallel; one question at a time
	p.SetConfirmer(func(ctx context.Context, sc *ems.Script, step *providers.Step) error {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(s.stdout, "\n%s is a manual step:\n\n  %s\n\n  Expected: %s\n\n  Type 'done' when it is done (anything else stops the apply): ",
			step.ID, strings.ReplaceAll(strings.TrimSpace(sc.Manual), "\n", "\n  "), sc.Verify)
		line, _ := bufio.NewReader(s.stdin).ReadString('\n')
		if strings.TrimSpace(line) != "done" {
			return fmt.Errorf("%s: stopped at the manual step; run exdr apply again once it is done", step.ID)
		}
		return ctx.Err()
	})
}
