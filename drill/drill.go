package drill

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab"
	"github.com/exdr/exdr/run"
)

// Options tune a run.
type Options struct {
	// Work is an empty directory the lab is copied into; the caller
	// removes it, or keeps it to look at.
	Work string
	// InPlace runs the drill on the lab at labRoot itself: its bytes are
	// really damaged and recovered. The caller has asked the user.
	InPlace bool
	// Clock times the run; nil uses the wall clock. Tests fix it.
	Clock func() time.Time
	// Estimates are what earlier drills measured: the plan uses them
	// for the verbs the lab has not measured itself. Nil: none.
	Estimates *Estimates
	// LockWait is how long to wait for the lab's lock (held by an
	// apply) before copying it, or before a drill in place.
	LockWait time.Duration
	// Backend keeps the organization's lock: the configuration's (in
	// PostgreSQL, with backend "pg"); nil means the lab's own files.
	Backend backend.Backend
}

// Run carries out one drill on a copy of the lab at labRoot.
func Run(ctx context.Context, desired *org.Org, labRoot string, dr *org.Drill, opts Options) (*Report, error) {
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	rep := &Report{Drill: dr.Name, Organization: desired.Name, Started: clock().UTC(), Objectives: objectives(desired, dr)}
	orgLock := opts.Backend
	if orgLock == nil {
		orgLock = backend.NewDir(labRoot)
	}
	// Another organization's lab is refused before it is copied or
	// damaged: a drill in place would break it first.
	if err := lab.New(labRoot, desired.Name).CheckOrganization(desired.Name); err != nil {
		return nil, err
	}
	var l *lab.Lab
	if opts.InPlace {
		if !lab.Exists(labRoot) {
			return nil, fmt.Errorf("no lab at %s to run the drill in: run exdr apply first", labRoot)
		}
		l = lab.New(labRoot, desired.Name)
	} else if lab.Exists(labRoot) {
		// Copy under the lab's lock, so that an apply changing it cannot
		// leave a half-changed copy.
		err := run.Locked(ctx, run.Lock{Backend: orgLock, Operation: "drill " + dr.Name + " (copying the lab)", Wait: opts.LockWait},
			func(string) {}, func(context.Context, string) error { return copyTree(labRoot, opts.Work) })
		if err != nil {
			return nil, fmt.Errorf("copy the lab: %w", err)
		}
		l = lab.New(opts.Work, desired.Name)
	} else {
		// No lab yet: the drill builds the organization in a fresh one,
		// so that a newcomer sees the whole job in one command.
		var err error
		if l, err = lab.Init(opts.Work, desired.Name); err != nil {
			return nil, err
		}
		if rep.BuiltSteps, err = build(ctx, l, desired); err != nil {
			return nil, fmt.Errorf("build the organization in a fresh lab: %w", err)
		}
	}
	// The drill's own lock, the copy's (or, in place, the lab's), held
	// from its first change to its last: a drill in place never touches
	// a lab another run holds.
	var lockBackend backend.Backend = backend.NewDir(l.Root())
	if opts.InPlace {
		lockBackend = orgLock
	}
	lock := run.Lock{Backend: lockBackend, Operation: "drill " + dr.Name, Wait: opts.LockWait}
	err := run.Locked(ctx, lock, func(string) {}, func(ctx context.Context, id string) error {
		lock.Held, lock.HeldID = true, id
		var err error
		rep, err = drillLocked(ctx, l, desired, dr, opts, rep, clock, lock)
		return err
	})
	if err != nil {
		return nil, err
	}
	rep.redact(desired.Secrets())
	return rep, nil
}

// drillLocked is the drill under its lab's lock: before, inventory,
// disaster, recovery, inventory, verdict.
//
// Long on purpose: the drill's phases in their order, each reporting
// into the same report.
func drillLocked(ctx context.Context, l *lab.Lab, desired *org.Org, dr *org.Drill, opts Options, rep *Report, clock func() time.Time, lock run.Lock) (*Report, error) {
	for _, a := range dr.Before {
		if err := prepare(ctx, l, desired, a); err != nil {
			return nil, fmt.Errorf("%s: before %q: %w", a.Range, a.Kind, err)
		}
	}
	before, err := CountHeld(l, desired)
	if err != nil {
		return nil, fmt.Errorf("inventory before the disaster: %w", err)
	}
	rep.ItemsBefore = before.Items()
	rep.MessagesQueued = len(before.Queued)
	rep.DisasterAt = l.Now().UTC()
	for _, a := range dr.Disaster {
		since := l.Now()
		if err := inflict(ctx, l, desired, a); err != nil {
			return nil, fmt.Errorf("%s: disaster %q: %w", a.Range, a.Kind, err)
		}
		d := describe(a)
		if s := a.Args["server"]; s != "" && (a.Kind == "lose_server" || a.Kind == "fail_server") {
			// What the cluster did on its own, before any plan.
			if ev, ok := l.ClusterEvent(s, since); ok {
				d += ": " + ev
			}
		}
		rep.Disaster = append(rep.Disaster, d)
		// Mail that arrived during the disaster (from the Internet, held
		// by its senders or queued) must be delivered as much as what
		// waited before it: counted after each action, before a later
		// one destroys the queue that took it.
		before.addQueued(l.QueuedMessages())
	}
	rep.MessagesQueued = len(before.Queued)

	rec := &recorder{clock: clock, byID: map[string]*StepReport{}}
	var measuredBefore map[string]lab.Measured
	var usersBack []planner.UsersBack
	rec.planned = func(p *planner.Plan) {
		rep.EstimatedRTO = p.RecoveryTime()
		usersBack = p.UsersBack()
		for _, loss := range p.Redacted().Losses {
			rep.PlannedLosses = append(rep.PlannedLosses, fmt.Sprintf("%s: %s", loss.Address, loss.What))
		}
		for _, s := range p.Steps {
			// Steps come in dependency order, so each one's dependencies
			// are scheduled already: it starts when the last of them ends.
			sr := &StepReport{ID: s.ID, Verb: string(s.Verb), Effect: s.Effect.String(), Estimate: s.Estimate, Status: "not started"}
			for _, dep := range s.DependsOn {
				if d := rec.byID[dep]; d != nil {
					sr.EstStart = max(sr.EstStart, d.EstStart+d.Estimate)
				}
			}
			rep.Steps = append(rep.Steps, sr)
			rec.byID[s.ID] = sr
		}
		measuredBefore = l.Measurements()
		rec.t0 = clock()
	}
	popts := planner.Options{AllowDataLoss: dr.AllowDataLoss}
	out, err := run.Apply(ctx, run.Request{
		Provider: l,
		Lock:     lock,
		Plan: func(ctx context.Context, live *org.Org) (*planner.Plan, error) {
			if opts.Estimates != nil {
				opts.Estimates.Fill(live.Throughput)
			}
			p, diags := planner.New(desired, live, popts)
			if diags.HasErrors() {
				return nil, refusal{diags}
			}
			return p, nil
		},
		Replan: func(live *org.Org, targets []string) (*planner.Plan, error) {
			p, diags := planner.New(desired, live, popts)
			if diags.HasErrors() {
				return nil, diags
			}
			return p, nil
		},
		UI: rec,
	})
	var refused refusal
	if errors.As(err, &refused) {
		for _, d := range refused.diags {
			if d.Severity == hcl.DiagError {
				rep.fail("the plan was refused: %s: %s", d.Summary, d.Detail)
			}
		}
		// Nothing was recovered: what users reach is what the disaster
		// left, counted as after any recovery (the summary's "N of M
		// back" said every item was back).
		return countAfter(l, desired, dr, rep, before)
	}
	if err != nil {
		return nil, err
	}
	if out.Result != nil {
		rep.ApplyTook = clock().Sub(rec.t0)
		for verb, m := range l.Measurements() {
			if m.Runs > measuredBefore[verb].Runs {
				if rep.Measured == nil {
					rep.Measured = map[string]float64{}
				}
				rep.Measured[verb] = m.PerSecond
			}
		}
		if out.Interrupted {
			rep.fail("the recovery was interrupted")
		} else if out.Result.Err != nil {
			rep.fail("the recovery failed: %s", oneLine(out.Result.Err))
		}
	}
	switch {
	case out.Check == nil && out.Plan.Changes():
		rep.fail("the organization does not match the configuration after the recovery: it was not checked")
	case out.Check != nil && out.Check.Err != nil:
		return nil, fmt.Errorf("check the lab after the recovery: %w", out.Check.Err)
	case out.Check != nil && out.Check.OnlyWaiting():
		// Users served from a standby until failback: the recovery the
		// configuration asked for, which the report says.
		rep.Converged = true
		for _, w := range out.Check.Waiting {
			rep.Waiting = append(rep.Waiting, w.Address+": "+w.Why)
		}
	case out.Check != nil && !out.Check.Matches():
		rep.fail("the organization does not match the configuration after the recovery")
	default:
		rep.Converged = true
	}
	rep.UsersBack = usersBackReports(usersBack, out.Plan, rec.byID)
	if dr.Failback {
		if out.Check == nil || !out.Check.OnlyWaiting() {
			rep.fail("failback: the recovery left no users on a standby to take back")
		} else {
			fb, err := failback(ctx, l, desired, out.Check.Waiting, lock, popts, clock)
			if err != nil {
				return nil, err
			}
			rep.Failback = fb
			if fb.Error != "" {
				rep.fail("failback: %s", fb.Error)
			} else if !fb.Converged {
				rep.fail("failback: the organization does not match the configuration after it")
			}
		}
	}
	// The Internet's servers retry the mail they hold, as they do every
	// few minutes: what no MX took during the outage arrives once one
	// does, and only then counts as delivered.
	if _, err := l.RetrySenders(); err != nil {
		return nil, fmt.Errorf("the Internet's servers' retry after the recovery: %w", err)
	}
	return countAfter(l, desired, dr, rep, before)
}

// countAfter takes the census after the recovery (or after a refused
// plan, of what the disaster left) and judges the drill by it.
func countAfter(l *lab.Lab, desired *org.Org, dr *org.Drill, rep *Report, before *Census) (*Report, error) {
	after, err := Count(l, desired)
	if err != nil {
		return nil, fmt.Errorf("inventory after the recovery: %w", err)
	}
	rep.ItemsAfter = after.Items()
	if rep.Lost, rep.MessagesLost, err = Lost(l, before, after); err != nil {
		return nil, err
	}
	rep.judgeRecovery(dr)
	rep.judge()
	return rep, nil
}

// build applies the configuration to an empty lab, under its lock.
func build(ctx context.Context, l *lab.Lab, desired *org.Org) (int, error) {
	plan := func(_ context.Context, live *org.Org) (*planner.Plan, error) {
		p, diags := planner.New(desired, live, planner.Options{})
		if diags.HasErrors() {
			return nil, diags
		}
		return p, nil
	}
	out, err := run.Apply(ctx, run.Request{
		Provider: l,
		Lock:     run.Lock{Backend: backend.NewDir(l.Root()), Operation: "drill: build the organization"},
		Plan:     plan,
		Replan:   func(live *org.Org, _ []string) (*planner.Plan, error) { return plan(ctx, live) },
		UI:       quiet{},
	})
	switch {
	case err != nil:
		return 0, err
	case !out.Complete():
		if out.Result != nil && out.Result.Err != nil {
			return 0, out.Result.Err
		}
		return 0, errors.New("interrupted")
	case out.Check != nil && !out.Check.Matches():
		return 0, fmt.Errorf("the organization does not match the configuration after building it: %s", remain(len(out.Check.Remaining)))
	}
	return len(out.Plan.Steps), nil
}

// refusal is a plan refused with diagnostics: for a drill, a verdict,
// not an error.
type refusal struct{ diags hcl.Diagnostics }

func (r refusal) Error() string { return r.diags.Error() }

// quiet is a run's UI that shows nothing and consents to everything: a
// drill's lab is its own.
type quiet struct{}

func (quiet) Started(*providers.Step)                        {}
func (quiet) Finished(*providers.Step, error, time.Duration) {}
func (quiet) Skipped(*providers.Step, string)                {}
func (quiet) Progress(*providers.Step) providers.Progress    { return nil }
func (quiet) Warn(string)                                    {}
func (quiet) Previous(run.Previous)                          {}
func (quiet) Planned(*planner.Plan) error                    { return nil }
func (quiet) Consent(context.Context, *planner.Plan) error   { return nil }
func (quiet) Stopping(bool)                                  {}

func objectives(o *org.Org, dr *org.Drill) org.Objectives {
	obj := o.Objectives
	if dr.Expect.RTO != nil {
		obj.RTO = *dr.Expect.RTO
	}
	if dr.Expect.RPO != nil {
		obj.RPO = *dr.Expect.RPO
	}
	return obj
}

// recorder is the drill's UI for its run: it consents, hears the
// executor, and times each step.
type recorder struct {
	quiet
	mu      sync.Mutex
	clock   func() time.Time
	t0      time.Time
	byID    map[string]*StepReport
	planned func(*planner.Plan)
}

func (r *recorder) Planned(p *planner.Plan) error {
	r.planned(p)
	return nil
}

func (r *recorder) Started(s *providers.Step) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[s.ID].Start, r.byID[s.ID].Status = r.clock().Sub(r.t0), "running"
}

func (r *recorder) Finished(s *providers.Step, err error, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sr := r.byID[s.ID]
	sr.Took, sr.Status = elapsed, "done"
	if err != nil {
		sr.Status, sr.Error = "failed", oneLine(err)
	}
}

func (r *recorder) Skipped(s *providers.Step, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[s.ID].Status, r.byID[s.ID].Error = "skipped", reason
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// usersBackReports pairs each database's estimated return of its users
// with the lab's: the end of the same last mount or re-home, measured
// from the start of the apply. Zero when that step did not run.
func usersBackReports(back []planner.UsersBack, p *planner.Plan, steps map[string]*StepReport) []UsersBackReport {
	var out []UsersBackReport
	for _, u := range back {
		r := UsersBackReport{Address: u.Address, Identity: string(u.Identity), Standby: u.Standby, Estimate: u.Estimate}
		for _, s := range p.Steps {
			if s.Verb != providers.VerbMount && s.Verb != providers.VerbRehomeMailboxes || s.Address != u.Address && !strings.HasPrefix(s.Address, u.Address+".") {
				continue
			}
			if sr := steps[s.ID]; sr != nil && sr.Status == "done" {
				r.Measured = max(r.Measured, sr.Start+sr.Took)
			}
		}
		r.EstimateSeconds, r.MeasuredSeconds = r.Estimate.Seconds(), r.Measured.Seconds()
		out = append(out, r)
	}
	return out
}

// FailbackReport is a drill's failback: the users a recovery left on a
// standby taken back home, as failback = true in their copy's standby
// block does.
type FailbackReport struct {
	Steps int `json:"steps"`
	// Outage is, by the plan's estimates, from the standby's dismount to
	// the users back home (their database mounted and re-homed).
	Outage        time.Duration `json:"-"`
	OutageSeconds float64       `json:"outage_seconds"`
	Took          time.Duration `json:"-"`
	TookSeconds   float64       `json:"took_seconds"`
	Converged     bool          `json:"converged"`
	Error         string        `json:"error,omitempty"`
}

// failback applies the configuration with failback declared for the
// storage groups of the databases waiting on a standby.
func failback(ctx context.Context, l *lab.Lab, desired *org.Org, waiting []planner.Waiting, lock run.Lock, popts planner.Options, clock func() time.Time) (*FailbackReport, error) {
	ix := org.NewIndex(desired)
	groups := map[string]bool{}
	for _, w := range waiting {
		if db := ix.Database(w.Identity); db != nil {
			groups[db.StorageGroup.Key()] = true
		}
	}
	with := *desired
	with.StorageGroups = make([]*org.StorageGroup, len(desired.StorageGroups))
	for i, sg := range desired.StorageGroups {
		if groups[sg.Identity().Key()] && sg.Copy != nil {
			c, g := *sg.Copy, *sg
			c.Failback, g.Copy = true, &c
			sg = &g
		}
		with.StorageGroups[i] = sg
	}
	fb := &FailbackReport{}
	plan := func(_ context.Context, live *org.Org) (*planner.Plan, error) {
		p, diags := planner.New(&with, live, popts)
		if diags.HasErrors() {
			return nil, diags
		}
		return p, nil
	}
	start := clock()
	out, err := run.Apply(ctx, run.Request{
		Provider: l, Lock: lock, Plan: plan, UI: quiet{},
		Replan: func(live *org.Org, _ []string) (*planner.Plan, error) { return plan(ctx, live) },
	})
	if err != nil {
		fb.Error = oneLine(err)
		return fb, nil
	}
	fb.Took = clock().Sub(start)
	fb.TookSeconds = fb.Took.Seconds()
	fb.Steps = len(out.Plan.Steps)
	fb.Outage = failbackOutage(out.Plan)
	fb.OutageSeconds = fb.Outage.Seconds()
	switch {
	case out.Result != nil && out.Result.Err != nil:
		fb.Error = oneLine(out.Result.Err)
	case out.Check != nil && out.Check.Err != nil:
		return nil, fmt.Errorf("check the lab after the failback: %w", out.Check.Err)
	}
	fb.Converged = out.Check != nil && out.Check.Matches()
	return fb, nil
}

// failbackOutage is, by a failback plan's estimates, the time from the
// first dismount of a standby's database to the last of its users back
// home (independent steps run at once).
func failbackOutage(p *planner.Plan) time.Duration {
	finish := p.Finishes()
	first := time.Duration(-1)
	for _, s := range p.Steps {
		if at := finish[s.ID] - s.Estimate; s.Verb == providers.VerbDismount && strings.HasSuffix(s.Address, ".failback") && (first < 0 || at < first) {
			first = at
		}
	}
	if first < 0 {
		return 0
	}
	var back time.Duration
	for _, u := range p.UsersBack() {
		back = max(back, u.Estimate)
	}
	return max(back-first, 0)
}
