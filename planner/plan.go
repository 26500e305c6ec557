package planner

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/internal/english"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems/script"
)

// Plan is the ordered recovery: steps in an order every DependsOn edge
// respects, ties broken by address, so the same inputs give the same plan.
type Plan struct {
	Organization string
	Steps        []*providers.Step
	// Unmanaged lists live resources the configuration does not name.
	// exdr never removes them; the plan reports them.
	Unmanaged []Unmanaged
	// Notes are differences the plan sees but does not act on.
	Notes []string
	// Facts are what the plan was made from, per live resource identity:
	// a saved plan is refused if they have moved. Nil unless the plan
	// was made with Options.RecordFacts or read from a file.
	Facts map[string]org.Facts
	// Objectives are the configuration's RTO and RPO, for the summary.
	Objectives org.Objectives
	// Losses are the recovery points the plan settles for, one a
	// database that cannot come back whole.
	Losses []Loss
	// Targets are the -target addresses the plan was limited to; none
	// when it covers the whole organization.
	Targets []string
	// ReadAt is the live organization's time when it was read (the lab's
	// clock), which losses with a start are timed against; zero when the
	// provider does not say.
	ReadAt time.Time
	// Unreadable are the live resources whose state could not be read:
	// nothing is planned from what is not known, and a plan with any
	// never says the organization matches the configuration.
	Unreadable []Unreadable
	// Waiting are resources that differ from the configuration and that
	// exdr leaves until the configuration says more (a database served
	// from its standby until failback is declared): a plan with any never
	// says the organization matches the configuration.
	Waiting []Waiting
	// Secrets are the values the configuration took from sensitive
	// variables (org.Org.Secrets): every rendering shows "(sensitive)"
	// in their place (Redacted). A saved plan keeps them, as it keeps the
	// steps' arguments they are in.
	Secrets []string
}

// Unreadable is a resource the provider could not read, and why.
type Unreadable struct {
	Address  string
	Identity org.Identity
	Why      string
}

// NoChanges is what a plan with no steps can truthfully say: that the
// organization matches the configuration, or, with -target, only that
// the targeted resources do.
func (p *Plan) NoChanges() string {
	if n := len(p.Unreadable); n > 0 {
		return fmt.Sprintf("exdr could not read %s, so it cannot say the organization matches the configuration: see why below, and plan again once it can be read.",
			plural(n, "resource"))
	}
	if n := len(p.Waiting); n > 0 {
		return fmt.Sprintf("%s %s from the configuration and %s for you: see below.",
			plural(n, "resource"), english.Agree(n, "differs", "differ"), english.Agree(n, "waits", "wait"))
	}
	if len(p.Targets) == 0 {
		return "The organization matches the configuration."
	}
	return fmt.Sprintf("The targeted resources (%s) match the configuration; -target left the rest unplanned: run exdr plan without it to see the whole organization.",
		strings.Join(p.Targets, ", "))
}

// Loss is a database's recovery point when it is not "everything".
type Loss struct {
	Address string
	// Since is when the lost changes start; zero when unknown (a repair
	// or an empty database, which lose what they discard).
	Since time.Time
	What  string
}

// RecoveryTime is the plan's critical path: the longest chain of steps
// that wait for each other, which bounds the time to recover when
// independent steps run at once.
func (p *Plan) RecoveryTime() time.Duration {
	var longest time.Duration
	for _, f := range p.Finishes() {
		longest = max(longest, f)
	}
	return longest
}

// Finishes is when each step ends by the estimates, each starting once
// the steps it depends on have ended (independent steps run at once), by
// step ID, from the start of the run.
func (p *Plan) Finishes() map[string]time.Duration {
	finish := make(map[string]time.Duration, len(p.Steps))
	for _, s := range p.Steps { // in dependency order
		var start time.Duration
		for _, d := range s.DependsOn {
			start = max(start, finish[d])
		}
		finish[s.ID] = start + s.Estimate
	}
	return finish
}

// Unmanaged is a live resource outside the configuration.
type Unmanaged struct {
	Kind     org.Kind     `json:"kind"`
	Identity org.Identity `json:"identity"`
}

// Options change what the planner may do.
type Options struct {
	// AllowDataLoss permits data_loss steps for every resource, as if
	// each had recovery { allow_data_loss = true }.
	AllowDataLoss bool
	// Targets limits the plan to these addresses (and what they depend
	// on). mailbox_database.DB1 also names its for_each instances.
	Targets []string
	// RemoveLeftoverRecoveryGroups asks for the live recovery storage
	// groups the configuration does not name to be removed (files set
	// aside); without it they are only reported.
	RemoveLeftoverRecoveryGroups bool
	// RecordFacts asks for the plan's Facts, which only a saved plan
	// needs: at 100,000 databases they are a quarter of the planner's
	// allocations, so a plan that is only shown does without them.
	RecordFacts bool
	// Owed are the owed steps (providers.Step.Owed) an earlier apply
	// planned and did not finish, by step ID, from the journal
	// (run.Owed): planned again though the organization no longer shows
	// the need. Read only when OwesJournal says the organization holds
	// what such a run leaves.
	Owed map[string]bool
}

// Changes reports whether the plan has anything to do.
func (p *Plan) Changes() bool { return len(p.Steps) > 0 }

// Count returns how many steps have each effect.
func (p *Plan) Count() map[providers.Effect]int {
	n := map[providers.Effect]int{}
	for _, s := range p.Steps {
		n[s.Effect]++
	}
	return n
}

// Estimate is the sum of the steps' estimates: what the plan takes run
// one step at a time.
func (p *Plan) Estimate() time.Duration {
	var d time.Duration
	for _, s := range p.Steps {
		d += s.Estimate
	}
	return d
}

// Step returns the step with the ID, or nil.
func (p *Plan) Step(id string) *providers.Step {
	for _, s := range p.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// New plans the way from live to desired. A refusal (a step that would
// lose data without permission, a procedure that cannot be done) is an
// error diagnostic pointing at the configuration.
func New(desired, live *org.Org, opts Options) (*Plan, hcl.Diagnostics) {
	if live.Name != "" && desired.Name != "" && !org.SameOrganization(live.Name, desired.Name) {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Another organization",
			Detail: fmt.Sprintf("The configuration is of the organization %q, but the provider reads the organization %q: it points at another one, and exdr changes nothing there. "+
				"Point the provider at %s (the lab's path, the shell that reaches it), or correct organization if it is mistyped.", desired.Name, live.Name, desired.Name),
			Subject: desired.DeclRange.Ptr(),
		}}
	}
	// The two indexes are built side by side: at 100,000 databases each
	// is tens of milliseconds of map inserts.
	wantIxDone := make(chan *org.Index, 1)
	go func() { wantIxDone <- org.NewIndex(desired) }()
	liveIx := org.NewIndex(live)
	wantIx := <-wantIxDone
	// The live facts and the steps' commands are each a pure function
	// of their input: built beside the steps, on the other cores.
	facts := make(chan map[string]org.Facts, 1)
	if opts.RecordFacts {
		go func() { facts <- liveFacts(live) }()
	} else {
		facts <- nil
	}
	b := build(desired, live, liveIx, wantIx, opts, nil)
	// A targeted plan counts a drive's room for the targets' steps alone:
	// a restore of another database, planned first and then pruned, does
	// not take room the targets' steps need. The targets' scope is known
	// only once everything is planned, so the plan is made again with
	// it (adversarial review: -target DB2 was refused for room DB1's
	// pruned restore held).
	for pass := 0; pass < 3 && b.roomOutsideScope(); pass++ {
		b = build(desired, live, liveIx, wantIx, opts, b.scope)
	}
	b.plan.Steps = order(b.steps)
	showCommands(b.plan.Steps)
	b.plan.Facts = <-facts
	if err := b.checkInvariants(); err != nil {
		// A procedure bug: never carry out a plan that breaks them.
		b.diags = append(b.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Internal error: the plan breaks its own rules",
			Detail: err.Error() + ". This is a bug in exdr's planner: please report it with the plan (exdr plan -json)."})
	}
	if testHookPlanned != nil {
		testHookPlanned(b.plan)
	}
	return b.plan, b.diags
}

// build plans every resource, then narrows the plan to the targets.
// roomScope, when not nil, is the addresses whose steps count against a
// drive's free space; the others' are pruned by the targets.
func build(desired, live *org.Org, liveIx, wantIx *org.Index, opts Options, roomScope map[string]bool) *builder {
	b := &builder{
		desired:          desired,
		live:             live,
		liveIx:           newLookups(liveIx),
		wantIx:           newLookups(wantIx),
		roomScope:        roomScope,
		opts:             opts,
		byID:             map[string]*providers.Step{},
		last:             map[string]*providers.Step{},
		recoveries:       map[string]*mailboxRecovery{},
		activated:        map[string]*providers.Step{},
		setAside:         map[string]*providers.Step{},
		consent:          map[string]string{},
		rsgClaims:        map[string]rsgClaim{},
		rsgRemovals:      map[string]*providers.Step{},
		drainHosts:       map[string]bool{},
		servedOnStandby:  map[string]bool{},
		standbyObjects:   map[string]bool{},
		servingOf:        map[string]org.Identity{},
		resubmitted:      map[string]bool{},
		failedBack:       map[string]*providers.Step{},
		clusterRebuilt:   map[string]*providers.Step{},
		clusterActivated: map[string]*providers.Step{},
		plan:             &Plan{Organization: desired.Name, Objectives: desired.Objectives, ReadAt: live.Now, Secrets: desired.Secrets()},
	}
	for _, s := range desired.Servers {
		b.server(s)
	}
	for _, s := range desired.Servers {
		if s.Edge != nil {
			b.edge(s) // after every server, so subscriptions wait for rebuilt hubs
		}
	}
	for _, sg := range desired.StorageGroups {
		b.storageGroup(sg)
	}
	for _, db := range desired.Databases {
		b.database(db)
	}
	b.copies()
	b.clusterCopies()
	b.clusterMoves()
	b.publicFolderReplicas()
	// After the databases, whose mounts retries wait for; a failed
	// server's first, so that a server chosen to drain its queue database
	// is known as such when its own is planned.
	failedFirst := slices.Clone(desired.QueueDatabases)
	slices.SortStableFunc(failedFirst, func(a, c *org.QueueDatabase) int {
		return boolOrder(!b.failedWithDisks(a.Server), !b.failedWithDisks(c.Server))
	})
	for _, q := range failedFirst {
		b.queueDatabase(q)
	}
	for _, m := range desired.Mailboxes {
		b.mailbox(m)
	}
	b.finishRecoveries()
	for _, r := range desired.RecoveryStorageGroups {
		b.recoveryGroup(r)
	}
	b.unmanaged()
	if len(opts.Targets) > 0 {
		b.target(opts.Targets)
		b.plan.Targets = slices.Clone(opts.Targets)
	}
	return b
}

// showCommands sets each step's Command, the steps shared out among the
// cores. One renderer: the plan shows what the ems provider runs.
func showCommands(steps []*providers.Step) {
	workers := min(runtime.GOMAXPROCS(0), (len(steps)+255)/256)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(steps); i += workers {
				steps[i].Command = script.Show(steps[i])
			}
		})
	}
	wg.Wait()
}

// testHookPlanned, when set (by the tests), sees every plan New makes.
var testHookPlanned func(*Plan)

// liveFacts are the facts of every live resource and backup set, by
// identity (backup sets by "backup ID").
func liveFacts(live *org.Org) map[string]org.Facts {
	facts := make(map[string]org.Facts, len(live.Servers)+len(live.StorageGroups)+len(live.Databases)+len(live.Backups))
	for _, s := range live.Servers {
		facts[string(s.Identity())] = s.Facts()
	}
	// A storage group none of whose databases is mounted has no writer:
	// its logs hold still, and how far they reach is what a roll-forward
	// the plan promises will reach. A log folder put back from an older
	// snapshot, or its newest generation deleted with the checkpoint,
	// between plan and apply made the saved plan's hard recovery stop
	// short without a word, mail lost and the organization said to match.
	// Only a group the directory gives databases, every one of them
	// dismounted: a standby's group serving a home database's users has
	// none of its own listed, and its logs move.
	still := map[string]bool{}
	for _, db := range live.Databases {
		k := db.StorageGroup.Key()
		others, seen := still[k]
		still[k] = (others || !seen) && !db.Mounted
	}
	for _, sg := range live.StorageGroups {
		f := sg.Facts()
		if h := sg.Health; h != nil && still[sg.Identity().Key()] {
			f["logs_reach"] = fmt.Sprintf("%d-%d", h.OnDisk.Low, h.OnDisk.High)
		}
		facts[string(sg.Identity())] = f
	}
	for _, db := range live.Databases {
		facts[string(db.Identity())] = db.Facts()
	}
	for _, bs := range live.Backups {
		facts["backup "+bs.ID] = bs.Facts()
	}
	for _, q := range live.QueueDatabases {
		facts["queue_database "+q.Server] = q.Facts()
	}
	for _, r := range live.RecoveryStorageGroups {
		facts["recovery_storage_group "+string(r.Identity())] = org.Facts{
			"database": strconv.FormatBool(r.Health.DatabaseExists), "file": strconv.FormatBool(r.Health.FileExists),
			"state": r.Health.State.String(), "mounted": strconv.FormatBool(r.Health.Mounted)}
	}
	for _, m := range live.Merges {
		facts["merge "+string(m.RecoveryGroup)+" "+m.Mailbox+" to "+m.Target+" "+m.TargetFolder] = org.Facts{"done": "true"}
	}
	for _, m := range live.Mailboxes {
		if m.Health != nil {
			name := m.Name
			if name == "" {
				name = "{" + m.GUID + "}"
			}
			facts["mailbox "+name+" in "+string(m.Database)] = org.Facts{
				"in_directory": strconv.FormatBool(m.Health.InDirectory),
				"in_store":     strconv.FormatBool(m.Health.InStore),
				"connected":    strconv.FormatBool(m.Health.Disconnected.IsZero()),
			}
		}
	}
	return facts
}

type builder struct {
	desired, live *org.Org
	liveIx        *lookups
	wantIx        *lookups
	opts          Options
	steps         []*providers.Step
	byID          map[string]*providers.Step
	last          map[string]*providers.Step  // the last step planned per address
	recoveries    map[string]*mailboxRecovery // by database identity key
	hubs          []*providers.Step           // Hub Transport rebuilds, which mounts and Edge subscriptions wait for
	clientAccess  []*providers.Step           // Client Access rebuilds, which mounts wait for
	activated     map[string]*providers.Step  // storage groups whose copy was activated: the last step of it
	setAside      map[string]*providers.Step  // storage groups whose unreadable current logs are set aside, by identity key
	plan          *Plan
	diags         hcl.Diagnostics
	diagAddr      []string                   // the address each diagnostic is about, for -target
	consent       map[string]string          // what allows data_loss steps, by address
	rsgClaims     map[string]rsgClaim        // what each server's one recovery storage group is for in this plan, by server key
	rsgRemovals   map[string]*providers.Step // leftover recovery storage groups removed, by identity key
	spaceTaken    map[string]spaceTaken      // by server and drive: what the plan's steps write there
	roomScope     map[string]bool            // with -target, the addresses whose steps take room (nil: all)
	scope         map[string]bool            // with -target, the addresses the plan was narrowed to
	drainHosts    map[string]bool            // transport servers chosen to drain a failed one's queue database, by server key
	noteAddr      []string                   // the address each note is about, for -target
	// servedOnStandby are the storage groups (by identity key) whose SCR
	// copy serves on its standby: not seeded again until failback.
	servedOnStandby map[string]bool
	// standbyObjects are the storage groups and databases made on a
	// standby for an activated copy, by identity key: not "unmanaged".
	standbyObjects map[string]bool
	// failedBack are the storage groups whose database this plan takes
	// back from the standby: the last step of it, which the copy's new
	// seed waits for.
	failedBack map[string]*providers.Step
	// servingOf is, by a configured database's identity key, the
	// database on its standby that serves its users until failback.
	servingOf map[string]org.Identity
	// resubmitted are the standby databases (by identity key) whose
	// queued mail a failback in this plan resubmits.
	resubmitted map[string]bool
	// clusterRebuilt is, by clustered mailbox server (key), the step
	// that rebuilds a node or the server: its CCR copies are seeded
	// after it. clusterActivated is, by storage group (key), the
	// Restore-StorageGroupCopy that makes its CCR copy the database on
	// the passive node: its databases mount after it.
	clusterRebuilt   map[string]*providers.Step
	clusterActivated map[string]*providers.Step
}

// add puts a step in the plan and returns it.
func (b *builder) add(s *providers.Step) *providers.Step {
	s.ID = providers.StepID(s.Address, s.Verb)
	if _, dup := b.byID[s.ID]; dup {
		panic("planner: two " + s.ID + " steps") // a procedure bug, not an input problem
	}
	if s.Estimate == 0 {
		s.Estimate = b.estimate(s.Verb, 0)
	}
	if s.Effect == providers.DataLoss && s.Consent == "" {
		s.Consent = b.consent[s.Address]
	}
	b.byID[s.ID] = s
	b.last[s.Address] = s
	b.steps = append(b.steps, s)
	return s
}

// after makes s depend on every non-nil step in deps.
func after(s *providers.Step, deps ...*providers.Step) *providers.Step {
	for _, d := range deps {
		if d != nil && !slices.Contains(s.DependsOn, d.ID) {
			s.DependsOn = append(s.DependsOn, d.ID)
		}
	}
	return s
}

// lastStepOf returns the last step planned for an address, for others to
// wait on, or nil.
func (b *builder) lastStepOf(addr string) *providers.Step { return b.last[addr] }

// note adds a note. A note starts with the address it is about ("%s:
// ..."), so that -target can leave out those about other resources; one
// that does not is kept under any target.
func (b *builder) note(format string, args ...any) {
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf(format, args...))
	addr := ""
	if strings.HasPrefix(format, "%s: ") && len(args) > 0 {
		addr = fmt.Sprint(args[0])
	}
	b.noteAddr = append(b.noteAddr, addr)
}

// refuse adds a refusal about the resource at addr.
func (b *builder) refuse(addr string, d *hcl.Diagnostic) {
	b.diags = append(b.diags, d)
	b.diagAddr = append(b.diagAddr, addr)
}

func (b *builder) unmanaged() {
	want := b.wantIx
	for _, s := range b.live.Servers {
		if want.Server(s.Name) == nil {
			b.plan.Unmanaged = append(b.plan.Unmanaged, Unmanaged{org.KindServer, s.Identity()})
		}
	}
	for _, sg := range b.live.StorageGroups {
		if want.StorageGroup(sg.Identity()) == nil && !b.standbyObjects[sg.Identity().Key()] {
			b.plan.Unmanaged = append(b.plan.Unmanaged, Unmanaged{org.KindStorageGroup, sg.Identity()})
		}
	}
	for _, r := range b.live.RecoveryStorageGroups {
		if !b.leftover(r) {
			continue
		}
		if b.opts.RemoveLeftoverRecoveryGroups {
			b.removeLeftover(r)
		} else {
			b.plan.Unmanaged = append(b.plan.Unmanaged, Unmanaged{org.KindRecoveryStorageGroup, r.Identity()})
		}
	}
	for _, db := range b.live.Databases {
		if want.Database(db.Identity()) == nil && !b.standbyObjects[db.Identity().Key()] {
			kind := org.KindMailboxDatabase
			if db.Kind == org.PublicFolderDB {
				kind = org.KindPublicFolderDatabase
			}
			b.plan.Unmanaged = append(b.plan.Unmanaged, Unmanaged{kind, db.Identity()})
		}
	}
}

// order sorts steps so that each comes after what it depends on, and
// otherwise by address and then by the order the procedure added them.
func order(steps []*providers.Step) []*providers.Step {
	pos := make(map[string]int, len(steps))
	for i, s := range steps {
		pos[s.ID] = i
	}
	sorted := slices.Clone(steps)
	slices.SortStableFunc(sorted, func(a, b *providers.Step) int { return strings.Compare(a.Address, b.Address) })
	done := make(map[string]bool, len(steps))
	out := make([]*providers.Step, 0, len(steps))
	var visit func(s *providers.Step)
	visit = func(s *providers.Step) {
		if done[s.ID] {
			return
		}
		done[s.ID] = true
		deps := slices.Clone(s.DependsOn)
		slices.SortFunc(deps, func(a, b string) int { return pos[a] - pos[b] })
		for _, d := range deps {
			if i, ok := pos[d]; ok {
				visit(steps[i])
			}
		}
		out = append(out, s)
	}
	for _, s := range sorted {
		visit(s)
	}
	return out
}
