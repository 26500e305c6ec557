package command

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/exdr/exdr/internal/english"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/all"
	"github.com/exdr/exdr/providers/ems"
	"github.com/exdr/exdr/providers/lab"
	"github.com/exdr/exdr/run"
)

type applyOptions struct {
	target        string // DIR or a plan FILE
	autoApprove   bool
	parallelism   int
	lock          lockFlags
	allowDataLoss bool
	removeRSG     bool
	targets       []string
	vars          []lang.VarArg
}

func cmdApply(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "apply", "apply [-auto-approve] [-input=false] [-parallelism N] [-lock=false] [-lock-timeout D] [-allow-data-loss] [-remove-recovery-groups] [-target ADDR]... [-var NAME=VALUE]... [-var-file FILE]... [DIR|PLANFILE]")
	var opts applyOptions
	var targets targetFlags
	fs.BoolVar(&opts.autoApprove, "auto-approve", false, "carry out the plan without asking")
	inputFlag(fs, s)
	fs.IntVar(&opts.parallelism, "parallelism", 10, "run at most N independent steps at once")
	opts.lock.register(fs)
	fs.BoolVar(&opts.allowDataLoss, "allow-data-loss", false, "permit steps that lose data for every resource")
	fs.BoolVar(&opts.removeRSG, "remove-recovery-groups", false, "remove recovery storage groups the configuration does not name (files set aside)")
	fs.Var(&targets, "target", "apply only this resource and what it depends on (repeatable)")
	var vars varFlags
	vars.register(fs)
	// Interrupts are ours from the start: a Ctrl-C while the lock is
	// taken or the plan made must release the lock too. They stay ours
	// until the process exits: handing them back when the command returns
	// would let a second Ctrl-C, pressed as the apply ends, kill the
	// process with a signal instead of its exit status.
	sigs := notifyInterrupts()
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
	st, err := os.Stat(target)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s does not exist: give a configuration folder, or a plan file written by exdr plan -out FILE", target)
	}
	if err == nil && st.Mode().IsRegular() {
		if len(opts.vars) > 0 || len(opts.targets) > 0 || opts.allowDataLoss || opts.removeRSG {
			return fmt.Errorf("a saved plan is applied as it was made: -var, -var-file, -target, -allow-data-loss and -remove-recovery-groups belong to the plan command")
		}
		return runApplySaved(ctx, opts, sigs, s)
	}
	return runApply(ctx, opts, sigs, s)
}

func runApply(ctx context.Context, opts applyOptions, sigs <-chan os.Signal, s *streams) error {
	if !opts.autoApprove && !s.canAsk() {
		// Refuse before the lock (and the lab) is touched.
		return errNoTerminal
	}
	ws, err := openWorkspace(opts.target, opts.vars, s)
	if err != nil {
		return err
	}
	askForManualSteps(ws.provider, s)
	popts := planner.Options{AllowDataLoss: opts.allowDataLoss, Targets: opts.targets, RemoveLeftoverRecoveryGroups: opts.removeRSG}
	return applyRun(ctx, s, opts, run.Request{
		Provider:    ws.provider,
		Lock:        runLock(opts.lock.lock(ws.backend, "apply"), ws.cfg.Digest(), ws.dir),
		Parallelism: opts.parallelism,
		Interrupt:   sigs,
		Targets:     opts.targets,
		Plan: func(ctx context.Context, live *org.Org) (*planner.Plan, error) {
			return ws.planLive(ctx, live, popts, s)
		},
		Replan: func(live *org.Org, targets []string) (*planner.Plan, error) {
			o := popts
			o.Targets = targets
			var err error
			if o.Owed, err = owedSteps(ws.backend, live); err != nil {
				return nil, err
			}
			p, diags := planner.New(ws.cfg.Org, live, o)
			if diags.HasErrors() {
				return nil, diags
			}
			return p, nil
		},
	})
}

func runApplySaved(ctx context.Context, opts applyOptions, sigs <-chan os.Signal, s *streams) error {
	f, saved, err := planner.LoadFile(opts.target)
	if err != nil {
		return err
	}
	if err := savedPlanInPlace(opts.target, f); err != nil {
		return err
	}
	pcfg := org.ProviderConfig{Type: f.Provider.Type, Path: f.Provider.Path, PowerShell: f.Provider.PowerShell, DomainController: f.Provider.DomainController}
	prov, err := all.Open(pcfg, f.ConfigDir, saved.Organization)
	if err != nil {
		return err
	}
	be, err := all.Backend(&org.Org{Name: saved.Organization, Provider: pcfg,
		Backend: org.BackendConfig{Type: f.Provider.Backend, ConnStr: f.Provider.BackendConnStr}}, f.ConfigDir)
	if err != nil {
		return err
	}
	if missing := notInEnv(f.Omitted, s.env); len(missing) > 0 {
		// Said before the steps run, not only after them.
		printWarning(s, fmt.Sprintf("the plan was made with the sensitive %s %s, which a plan file does not keep: without %s in the environment, the organization is not checked against the configuration after the apply.",
			verbFor(len(missing), "variable", "variables"), strings.Join(missing, ", "), envNames(missing)))
	}
	return applyRun(ctx, s, opts, run.Request{
		Provider:    prov,
		Lock:        runLock(opts.lock.lock(be, "apply "+opts.target), savedDigest(f.ConfigDir), f.ConfigDir),
		Parallelism: opts.parallelism,
		Interrupt:   sigs,
		Targets:     f.Targets,
		Plan: func(ctx context.Context, live *org.Org) (*planner.Plan, error) {
			if moved := append(f.Stale(live), saved.StaleInputs()...); len(moved) > 0 {
				fmt.Fprintf(s.stderr, "%s the saved plan is stale: %s moved since it was made at %s:\n",
					s.errColor("Error:"), plural(len(moved), "fact"), f.Created.Format(time.RFC3339))
				for _, m := range moved {
					fmt.Fprintf(s.stderr, "  %s\n", m)
				}
				fmt.Fprintf(s.stderr, "\nMake a new plan (exdr plan -out %s %s) and review it.\n", opts.target, f.ConfigDir)
				return nil, errReported
			}
			return saved, nil
		},
		Replan: func(live *org.Org, targets []string) (*planner.Plan, error) {
			if missing := notInEnv(f.Omitted, s.env); len(missing) > 0 {
				return nil, run.NotChecked{Why: fmt.Sprintf("the plan was made with the sensitive %s %s, which a plan file does not keep. To have it checked, set %s to the same %s when you apply a saved plan; run exdr plan with the same values to see whether it matches",
					verbFor(len(missing), "variable", "variables"), strings.Join(missing, ", "), envNames(missing), verbFor(len(missing), "value", "values"))}
			}
			// The environment the plan was made in, and of today's only
			// the sensitive variables the plan left out: a stray
			// EXDR_VAR_ in the apply's shell checked the organization
			// against another configuration (adversarial review).
			env := slices.Clone(f.Env)
			for _, kv := range s.env {
				if name, _, ok := lang.EnvVar(kv); ok && slices.Contains(f.Omitted, name) {
					env = append(env, kv)
				}
			}
			cfg, diags, err := loadInterruptibly(f.ConfigDir, lang.Options{Vars: fromFileVars(f.Vars), Env: env})
			if err != nil {
				return nil, err
			}
			if diags.HasErrors() {
				s.diagnostics(cfg.DiagnosticFiles(diags), diags)
				return nil, fmt.Errorf("the configuration in %s no longer loads (above): fix it, then plan again", f.ConfigDir)
			}
			owed, err := owedSteps(be, live)
			if err != nil {
				return nil, err
			}
			p, diags := planner.New(cfg.Org, live, planner.Options{AllowDataLoss: f.AllowDataLoss, Targets: targets, Owed: owed})
			if diags.HasErrors() {
				return nil, diags
			}
			return p, nil
		},
	}, true)
}

// notInEnv are the variables of names that env does not set.
func notInEnv(names, env []string) []string {
	set := map[string]bool{}
	for _, kv := range env {
		if name, _, ok := lang.EnvVar(kv); ok {
			set[name] = true
		}
	}
	var missing []string
	for _, n := range names {
		if !set[n] {
			missing = append(missing, n)
		}
	}
	return missing
}

// savedPlanInPlace refuses a saved plan whose configuration or lab is
// not where the plan was made, before anything is read or created there:
// a checkout moved or copied since, or the plan carried into another
// configuration's folder, would otherwise read as an organization whose
// every fact moved, or apply to the old place.
func savedPlanInPlace(planPath string, f *planner.File) error {
	if st, err := os.Stat(f.ConfigDir); err != nil || !st.IsDir() {
		where := "where the configuration is now"
		if abs, err := filepath.Abs(planPath); err == nil {
			if configs, _ := filepath.Glob(filepath.Join(filepath.Dir(abs), "*.exdr.hcl")); len(configs) > 0 {
				where = "in " + filepath.Dir(abs) + ", where a configuration lies beside the plan, if it is the one moved"
			}
		}
		return fmt.Errorf("%s was made for the configuration in %s, which is not there any more (moved or deleted?): make a new plan %s (exdr plan -out FILE DIR)", planPath, f.ConfigDir, where)
	}
	if f.Provider.Type == "lab" && len(f.Facts) > 0 && !lab.Exists(f.Provider.Path) {
		return fmt.Errorf("%s was made from the lab at %s, which is not there any more (moved with its checkout?): make a new plan where the lab is now (exdr plan -out FILE DIR)", planPath, f.Provider.Path)
	}
	abs, err := filepath.Abs(planPath)
	if err != nil {
		return err
	}
	here := filepath.Dir(abs)
	if !sameDir(here, f.ConfigDir) {
		if configs, _ := filepath.Glob(filepath.Join(here, "*.exdr.hcl")); len(configs) > 0 {
			return fmt.Errorf("%s was made for the configuration in %s, but it lies beside another configuration, in %s (a copied or moved checkout?): make a new plan here (exdr plan -out %s %s), or apply the plan from its own folder", planPath, f.ConfigDir, here, filepath.Base(planPath), here)
		}
	}
	return nil
}

// sameDir says whether two paths name one folder, through links too.
func sameDir(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// applyRun carries out the run and says how it ended. A saved plan was
// consented to when it was saved and reviewed.
func applyRun(ctx context.Context, s *streams, opts applyOptions, req run.Request, saved ...bool) error {
	view := &applyView{progressView: newProgressView(s, 0), s: s, autoApprove: opts.autoApprove || len(saved) > 0}
	req.UI = view
	out, err := run.Apply(ctx, req)
	view.clear()
	if errors.Is(err, run.ErrInterrupted) {
		fmt.Fprintln(s.stderr, "\nApply interrupted before any step ran: nothing was changed.")
		return errReported
	}
	if out == nil || out.Result == nil {
		return err
	}
	run.WriteSummary(s.stdout, out, run.SummaryOptions{OK: s.okColor})
	run.WriteCheck(s.stdout, out.Check)
	switch {
	case err != nil:
		return err
	case out.Interrupted:
		return errReported
	case out.Result.Err != nil:
		return out.Result.Err
	case out.Check != nil && out.Check.NotChecked != "":
		return nil // every step ran; the summary says why nothing was checked
	case out.Check != nil && !out.Check.Matches() && !out.Check.OnlyWaiting():
		return errReported
	}
	return nil
}

// applyView is what apply shows of a run.
type applyView struct {
	*progressView
	s           *streams
	autoApprove bool
}

func (v *applyView) Progress(step *providers.Step) providers.Progress { return v.progress(step) }

func (v *applyView) Warn(msg string) {
	fmt.Fprintf(v.s.stderr, "%s %s\n", v.s.warnColor("Warning:"), msg)
}

func (v *applyView) Previous(prev run.Previous) {
	for _, line := range prev.Skipped {
		v.Warn(line)
	}
	if len(prev.Unfinished) > 0 {
		// The journal is a file on disk: what it says is shown escaped,
		// and no more than a screen of it.
		var steps []string
		for i, st := range prev.Unfinished {
			if i == 20 {
				steps = append(steps, fmt.Sprintf("and %d more", len(prev.Unfinished)-i))
				break
			}
			steps = append(steps, shorten(backend.Printable(st), 200))
		}
		fmt.Fprintf(v.s.stdout, "The previous apply (%s) was interrupted while these steps ran: %s.\n"+
			"This plan is made from the organization as it is now; those steps are safe to run again.\n\n",
			shorten(backend.Printable(prev.Apply), 40), strings.Join(steps, ", "))
	}
}

func (v *applyView) Planned(p *planner.Plan) error {
	v.setTotal(len(p.Steps))
	return planner.WriteText(v.s.stdout, p, planner.TextOptions{Color: v.s.color(false)})
}

func (v *applyView) Consent(ctx context.Context, p *planner.Plan) error {
	if v.autoApprove {
		return nil
	}
	return confirm(ctx, v.s, "Do you want to carry out these steps?", errNoTerminal)
}

func (v *applyView) Stopping(cancel bool) {
	if cancel {
		v.line("\nCancelling: the running steps stop at their next safe point.")
		return
	}
	v.line("\nStopping: no new step starts; running steps finish. Press Ctrl-C again to cancel them.")
}

func plural(n int, word string) string { return english.Plural(n, word) }

// verbFor is the verb that agrees with a count: one, or many.
func verbFor(n int, one, many string) string { return english.Agree(n, one, many) }

// failing says how many pages fail their checksums, agreeing in number.
func failing(n int) string {
	if n == 1 {
		return "1 failing its checksum"
	}
	return fmt.Sprintf("%d failing their checksums", n)
}

// failingPages is failing with the noun.
func failingPages(n int) string {
	if n == 1 {
		return "1 page failing its checksum"
	}
	return fmt.Sprintf("%d pages failing their checksums", n)
}

var errNoTerminal = errors.New("apply asks before it changes anything, and cannot ask here (no terminal, or -input=false): " +
	"review the plan with exdr plan and run apply -auto-approve, or save it with plan -out FILE and run apply FILE")

// confirm asks for "yes" on a terminal, and refuses without one. An
// interrupt while it waits ends it.
func confirm(ctx context.Context, s *streams, question string, cannotAsk error) error {
	if !s.canAsk() {
		return cannotAsk
	}
	fmt.Fprintf(s.stdout, "\n%s\n  Only 'yes' will be accepted.\n\n  Enter a value: ", question)
	line, err := readLine(ctx, s)
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "yes" {
		fmt.Fprintln(s.stdout, "\nApply cancelled.")
		return errReported
	}
	fmt.Fprintln(s.stdout)
	return nil
}

// readLine reads a line from stdin, giving up when ctx is done. The read
// itself cannot be interrupted: its goroutine ends with the process.
func readLine(ctx context.Context, s *streams) (string, error) {
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(s.stdin).ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		return line, nil
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}

// askForManualSteps lets a provider with manual steps (ems) ask the
// person at the terminal to do them; without a terminal such a step stops
// the apply with its instructions.
func askForManualSteps(prov providers.Provider, s *streams) {
	p, ok := prov.(*ems.Provider)
	if !ok || !s.canAsk() {
		return
	}
	var mu sync.Mutex // steps run in parallel; one question at a time
	p.SetConfirmer(func(ctx context.Context, sc *ems.Script, step *providers.Step) error {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(s.stdout, "\n%s is a manual step:\n\n  %s\n\n  Expected: %s\n\n  Type 'done' when it is done (anything else stops the apply): ",
			step.ID, strings.ReplaceAll(strings.TrimSpace(sc.Manual), "\n", "\n  "), sc.Verify)
		line, err := readLine(ctx, s)
		if err != nil {
			return err
		}
		if strings.TrimSpace(line) != "done" {
			return fmt.Errorf("%s: stopped at the manual step; run exdr apply again once it is done", step.ID)
		}
		return ctx.Err()
	})
}

// shorten cuts s to at most n runes, saying so.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// runLock is a run's lock with what the history keeps of its
// configuration: the digest of its files and its git commit.
func runLock(lk run.Lock, digest, dir string) run.Lock {
	lk.ConfigDigest, lk.GitCommit = digest, gitCommit(dir)
	return lk
}

// savedDigest is the digest of the configuration a saved plan is
// applied with, "" if its files cannot be read.
func savedDigest(dir string) string {
	srcs, diags := lang.ReadDir(dir)
	if diags.HasErrors() {
		return ""
	}
	return lang.Digest(srcs)
}
