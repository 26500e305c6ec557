package planner

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// queuePlan plans one server's queue database (Exchange's sequence 11):
// MSExchangeTransport stopped around every file operation, the files set
// aside first, the service started after, and the queues retried once the
// databases they deliver to are mounted.
type queuePlan struct {
	b    *builder
	q    *org.QueueDatabase
	live *org.QueueDatabase
	addr string
	id   org.Identity
	last *providers.Step // the step the next one waits for
}

func (b *builder) queueDatabase(q *org.QueueDatabase) {
	p := &queuePlan{b: b, q: q, live: b.liveIx.QueueDatabase(q.Server), addr: q.Addr.String(),
		id: org.Identity(q.Server).Join("mail.que"), last: b.lastStepOf(b.serverAddr(q.Server))}
	srv := b.liveIx.Server(q.Server)
	switch {
	case srv == nil || srv.Health == nil:
		// A server still to be installed: Setup creates its queue
		// database at the default paths.
		p.paths(org.DefaultQueuePath, org.DefaultQueuePath, "Setup puts the queue database at the default path")
		return
	case !srv.Health.Up && !srv.Health.DisksSurvive:
		p.paths(org.DefaultQueuePath, org.DefaultQueuePath, fmt.Sprintf("the rebuilt %s starts a new queue database at the default path", q.Server))
		return
	case !srv.Health.Up:
		if p.live != nil && p.portability(srv) {
			return
		}
	}
	if p.live == nil || p.live.Health == nil {
		if srv.Health.Up {
			b.note("%s: %s shows no queue database; exdr cannot tell its state (is the Hub or Edge Transport role installed?).", p.addr, q.Server)
		}
		return
	}
	h := p.live.Health
	p.backPressure(h.BackPressure)
	if h.DrainingFrom != "" {
		p.finishDrain(h.DrainingFrom)
		return
	}
	if h.MovingTo != "" {
		// Nothing else may touch the files while they are in two
		// places; the move ends by starting the service.
		p.paths(p.live.Path, p.live.LoggingPath, fmt.Sprintf("a move of the queue database to %s stopped half-way: its files are in two places and MSExchangeTransport is stopped", h.MovingTo))
		return
	}
	damaged := p.damage(h)
	delivered := 0
	if !damaged && h.Running && h.FileExists {
		delivered = p.retry(h) // first, so what it delivers is not defragmented
	}
	if !damaged {
		// Over max_size, a defragmentation that brings the file under it
		// keeps the mail where it is; one that cannot is downtime for
		// nothing, as the rotation starts a new file anyway.
		white := whitespaceAfter(h, delivered)
		defrag := bloated(h, q.MaxWhitespace, white)
		over := q.MaxSize > 0 && h.Size > q.MaxSize
		if over && defrag && sizeAfterDefrag(h, white) <= q.MaxSize {
			over = false
		}
		switch {
		case over:
			p.rotate(h)
		case defrag:
			p.defragment(h, white, delivered)
		}
	}
	drainHost := b.drainHosts[org.Identity(q.Server).Key()] && !p.stopped()
	if (!h.Running || !h.FileExists || p.stopped()) && !drainHost {
		// (A stopped server chosen to drain another's queue database is
		// started by the import.)
		p.start(h, damaged)
	}
	p.paths(p.live.Path, p.live.LoggingPath, "")
}

// minWhitespacePages is the least whitespace worth a defragmentation: a
// new queue database is nearly all whitespace, and tiny.
const minWhitespacePages = 16

// whitespaceAfter is the share of mail.que that is whitespace once
// delivered of its messages have gone: their pages empty.
func whitespaceAfter(h *org.QueueHealth, delivered int) float64 {
	white := float64(h.Whitespace)
	if h.Messages > 0 && delivered > 0 {
		used := (100 - white) * float64(max(h.Messages-delivered, 0)) / float64(h.Messages)
		white = 100 - used
	}
	return white
}

// bloated reports whether white percent of the queue database is more
// whitespace than the limit, and enough pages to be worth giving back.
func bloated(h *org.QueueHealth, limit org.Percent, white float64) bool {
	if limit <= 0 || !h.FileExists || h.Messages == 0 && h.Whitespace == 0 {
		return false
	}
	return white > float64(limit) && float64(h.Pages)*white/100 >= minWhitespacePages
}

// sizeAfterDefrag is what eseutil /d leaves of the file: its used pages.
func sizeAfterDefrag(h *org.QueueHealth, white float64) org.Size {
	return org.Size(float64(h.Size) * (100 - white) / 100)
}

func (p *queuePlan) args(extra ...string) map[string]string {
	a := map[string]string{"queue_server": p.q.Server}
	if p.live != nil && p.live.Path != "" && p.live.LoggingPath != "" {
		// As the read found them; without them the ems scripts read
		// EdgeTransport.exe.config on the server.
		a["queue_path"], a["queue_logging_path"] = p.live.Path, p.live.LoggingPath
	}
	for i := 0; i+1 < len(extra); i += 2 {
		a[extra[i]] = extra[i+1]
	}
	return a
}

// add plans a step on the queue database after the previous one.
func (p *queuePlan) add(s *providers.Step, deps ...*providers.Step) *providers.Step {
	s.Address, s.Identity = p.addr, p.id
	if s.Args == nil {
		s.Args = p.args()
	}
	p.last = after(p.b.add(s), append(deps, p.last)...)
	return p.last
}

func (p *queuePlan) stopped() bool {
	return p.b.byID[providers.StepID(p.addr, providers.VerbStopTransport)] != nil
}

func (p *queuePlan) stop(why string) {
	if p.live.Health.Running && !p.stopped() {
		p.add(&providers.Step{Verb: providers.VerbStopTransport, Reason: why, Effect: providers.Downtime})
	}
}

// start starts the service, which tries every queue afresh: after the
// mounts of the databases its queues deliver to (all of this plan's
// mounts when the queues cannot be read before a repair).
func (p *queuePlan) start(h *org.QueueHealth, damaged bool) {
	reason := "MSExchangeTransport is stopped; starting it delivers what its queues hold"
	switch {
	case !h.FileExists:
		reason = fmt.Sprintf("%s\\mail.que is missing: MSExchangeTransport creates an empty queue database when it starts", p.live.Path)
	case p.stopped():
		reason = "MSExchangeTransport starts again once the queue database's files are done with"
	}
	var deps []*providers.Step
	if damaged || len(h.BadPages) > 0 {
		for _, s := range p.b.steps {
			if s.Verb == providers.VerbMount {
				deps = append(deps, s)
			}
		}
	} else {
		deps, _ = p.deliverable(h)
	}
	p.add(&providers.Step{Verb: providers.VerbStartTransport, Reason: reason, Effect: providers.Reversible}, deps...)
}

// damage plans soft recovery or repair; it reports whether the database
// is damaged (whether or not a repair was allowed).
func (p *queuePlan) damage(h *org.QueueHealth) bool {
	file := p.live.Path + `\mail.que`
	switch {
	case !h.FileExists:
		if h.Running {
			p.stop("mail.que is gone from under the running service")
			// The queue database is never backed up: what it held is gone.
			p.b.plan.Losses = append(p.b.plan.Losses, Loss{Address: p.addr,
				What: fmt.Sprintf("every message %s held: it is gone from under the running service, and a queue database has no backup", file)})
		}
		return false
	case len(h.BadPages) > 0:
		loss := pageList(h.BadPages) + " and the messages on them"
		if h.MessagesAtRisk > 0 {
			loss = fmt.Sprintf("%s (%s)", pageList(h.BadPages), plural(h.MessagesAtRisk, "message"))
		}
		p.repair(h, pagesFail(h.BadPages)+" (JET -1018)", loss)
		return true
	case h.State == org.StateDirty && h.Running && !h.Logs.Usable(runningNeeds(h)):
		// The service runs, but the messages logged since the checkpoint
		// are only in trn logs that cannot be read: they are lost, and a
		// stop or a crash shows it. Repaired now, the loss stated.
		need := runningNeeds(h)
		gone := missingIn(h.Logs, need)
		p.repair(h, fmt.Sprintf("MSExchangeTransport runs, but mail.que needs trn generations %s and %s", need, gone),
			fmt.Sprintf("the messages logged in trn generations %s and not yet written to %s", need, file))
		return true
	case h.State == org.StateDirty && !h.Running && h.Logs.Usable(h.LogRequired):
		p.add(&providers.Step{Verb: providers.VerbReplayLogs, Args: p.args("log_file_prefix", "trn"),
			Reason: fmt.Sprintf("mail.que is in dirty shutdown with every required trn log present (generations %s): soft recovery replays them, losing no message", h.LogRequired),
			Effect: providers.Reversible, Estimate: p.b.estimate(providers.VerbReplayLogs, int64(h.LogRequired.High-h.LogRequired.Low+1)),
		})
		return true
	case h.State == org.StateDirty && !h.Running:
		gone := missingIn(h.Logs, h.LogRequired)
		p.repair(h, fmt.Sprintf("mail.que is in dirty shutdown, but %s, so soft recovery cannot run", gone),
			fmt.Sprintf("the messages logged in trn generations %s and not yet written to %s", h.LogRequired, file))
		return true
	}
	return false
}

// runningNeeds is what a running queue database needs to recover from a
// crash: its trn generations from the checkpoint on.
func runningNeeds(h *org.QueueHealth) org.LogRange {
	r := h.LogRequired
	if h.Logs != nil {
		r.Low = max(r.Low, h.Logs.Checkpoint)
	}
	return r
}

// repair is eseutil /p on mail.que: data_loss, planned only when allowed.
func (p *queuePlan) repair(h *org.QueueHealth, reason, loss string) {
	switch {
	case p.q.AllowDataLoss:
		p.b.consent[p.addr] = fmt.Sprintf("allow_data_loss = true (%s)", rangeAt(p.q.Decl.AttrRange("allow_data_loss"), p.q.Decl.Range))
	case p.b.opts.AllowDataLoss:
		p.b.consent[p.addr] = "-allow-data-loss on the command line"
	}
	if !p.q.AllowDataLoss && !p.b.opts.AllowDataLoss {
		subject := p.q.Decl.Range
		p.b.refuse(p.addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Recovery would lose messages",
			Detail: fmt.Sprintf("%s (%s): %s; the queue database is never backed up, so the way back is eseutil /p, which discards %s. "+
				"To accept the loss, add allow_data_loss = true to this block, or run with -allow-data-loss.", p.addr, p.id, reason, loss),
			Subject: &subject})
		return
	}
	if !p.b.roomOn(p.q.Server, p.live.Path, int64(h.Size)*12/10, "eseutil /p with its copy set aside", p.addr, fmt.Sprintf("%s (%s)", p.addr, p.id), p.q.Decl.Range) {
		return
	}
	p.stop("eseutil works on a queue database whose service is stopped")
	p.b.plan.Losses = append(p.b.plan.Losses, Loss{Address: p.addr, What: loss})
	p.add(&providers.Step{Verb: providers.VerbRepairDatabase, Args: p.args(), Reason: reason + ", and the queue database has no backup",
		Effect: providers.DataLoss, Loss: loss, Estimate: p.b.estimate(providers.VerbRepairDatabase, int64(h.Size)),
	})
}

func (p *queuePlan) defragment(h *org.QueueHealth, white float64, delivered int) {
	used := int64(sizeAfterDefrag(h, white))
	if !p.b.roomOn(p.q.Server, p.live.Path, used*11/10, "eseutil /d (110% of the new file)", p.addr, fmt.Sprintf("%s (%s)", p.addr, p.id), p.q.Decl.Range) {
		return
	}
	share := fmt.Sprintf("%s of mail.que is whitespace", org.Percent(math.Round(white)))
	if delivered > 0 {
		share = fmt.Sprintf("once Retry-Queue has delivered %s, %s", plural(delivered, "message"), share)
	}
	p.stop("eseutil /d works on a queue database whose service is stopped")
	p.add(&providers.Step{Verb: providers.VerbDefragment, Args: p.args(),
		Reason: fmt.Sprintf("%s, more than max_whitespace (%s): an offline defragmentation gives it back (the old file is kept aside)", share, p.q.MaxWhitespace),
		Effect: providers.Downtime, Estimate: p.b.estimate(providers.VerbDefragment, int64(h.Size)),
	})
}

// rotate drains a queue database grown past max_size and starts a new
// one: nothing is lost, so every message must be deliverable first.
func (p *queuePlan) rotate(h *org.QueueHealth) {
	deps, why := p.deliverable(h)
	if why != "" {
		p.b.note("%s: mail.que is %s, over max_size (%s), but it cannot be drained now: %s.", p.addr, h.Size, p.q.MaxSize, why)
		return
	}
	p.add(&providers.Step{Verb: providers.VerbRotateQueue, Args: p.args(),
		Reason: fmt.Sprintf("mail.que is %s, over max_size (%s): its queues are drained with its Receive connectors disabled, and a new queue database started (the old one kept aside)", h.Size, p.q.MaxSize),
		Effect: providers.Downtime,
	}, deps...)
}

// deliverable finds the steps that make every database the queues
// deliver to mounted, or says which will not be.
func (p *queuePlan) deliverable(h *org.QueueHealth) ([]*providers.Step, string) {
	var deps []*providers.Step
	for _, qu := range h.Queues {
		if qu.DeliveryType == "Unreachable" && qu.MessageCount > 0 {
			return nil, fmt.Sprintf("%s holds %s no database routes to", qu.Identity, plural(qu.MessageCount, "message"))
		}
		for _, db := range qu.Databases {
			step, why := p.b.mountedBy(db)
			if why == resubmittedByFailback {
				continue
			}
			if why != "" {
				return nil, fmt.Sprintf("%s holds mail for %s, which %s", qu.Identity, db, why)
			}
			if step != nil {
				deps = append(deps, step)
			}
		}
		if step, why := p.b.hopReady(qu); why != "" {
			return nil, why
		} else if step != nil {
			deps = append(deps, step)
		}
	}
	return deps, ""
}

// hopReady says how a relay queue's next hop (an Edge server) will
// answer when the plan has run: already (nil, ""), after a planned
// rebuild (its last step), or not (the reason).
func (b *builder) hopReady(qu *org.Queue) (*providers.Step, string) {
	if qu.NextHopSite != "" {
		return b.siteHubReady(qu)
	}
	if qu.NextHopServer == "" {
		return nil, ""
	}
	if s := b.lastStepOf(b.serverAddr(qu.NextHopServer)); s != nil {
		return s, ""
	}
	if s := b.liveIx.Server(qu.NextHopServer); s != nil && s.Health != nil && s.Health.Up {
		return nil, ""
	}
	return nil, fmt.Sprintf("%s holds mail for %s, which does not answer and this plan does not rebuild", qu.Identity, qu.NextHopServer)
}

// mountedBy says how a database will be mounted when the plan has run:
// already (nil, ""), by a planned step, or not (the reason).
func (b *builder) mountedBy(id org.Identity) (*providers.Step, string) {
	want := b.wantIx.Database(id)
	if want == nil && b.standbyObjects[id.Key()] {
		// A database a standby copy became: mounted by this plan's
		// activation steps, or taken away by its failback, which
		// resubmits what is queued for it.
		if b.resubmitted[id.Key()] {
			return nil, resubmittedByFailback
		}
		for _, s := range b.steps {
			if s.Verb == providers.VerbMount && s.Identity.Key() == id.Key() {
				return s, ""
			}
		}
		if live := b.liveIx.Database(id); live != nil && live.Health != nil && live.Health.Mounted {
			return nil, ""
		}
		return nil, "this plan cannot mount"
	}
	if want == nil {
		return nil, "the configuration does not declare"
	}
	if !want.Mounted {
		return nil, "the configuration keeps dismounted"
	}
	if s := b.byID[providers.StepID(want.Addr.String(), providers.VerbMount)]; s != nil {
		return s, ""
	}
	if live := b.liveIx.Database(id); live != nil && live.Health != nil && live.Health.Mounted {
		return b.lastStepOf(want.Addr.String()), ""
	}
	return nil, "this plan cannot mount"
}

// resubmittedByFailback is mountedBy's answer for the database a failback
// removes, whose queued mail the failback itself resubmits.
const resubmittedByFailback = "is resubmitted by its failback"

// retry plans Retry-Queue, after the mounts, for the queues in Retry with
// mail for a database mounted by then: transport would wait out its retry
// interval. Mail for a database that stays dismounted stays queued.
func (p *queuePlan) retry(h *org.QueueHealth) (delivered int) {
	var names []string
	var deps []*providers.Step
	for _, qu := range h.Queues {
		if qu.NextHopDomain == "Poison" && qu.MessageCount > 0 {
			p.b.note("%s: %s holds %s that crashed transport; exdr leaves them to you: look at them (Export-Message), then Resume-Message or Remove-Message.",
				p.addr, qu.Identity, plural(qu.MessageCount, "message"))
			continue
		}
		if qu.Status != "Retry" || qu.MessageCount == 0 {
			continue
		}
		if qu.DeliveryType == "Unreachable" {
			p.b.note("%s: %s holds %s no database routes to; once their mailboxes are homed again, run Retry-Queue -Identity %s -Resubmit $true.",
				p.addr, qu.Identity, plural(qu.MessageCount, "message"), psQuote(qu.Identity))
			continue
		}
		if qu.NextHopServer != "" || qu.NextHopSite != "" {
			step, why := p.b.hopReady(qu)
			if why != "" {
				p.b.note("%s: %s; it stays queued.", p.addr, why)
				continue
			}
			deps = append(deps, step)
			names = append(names, qu.NextHopDomain)
			continue
		}
		mounts := 0
		for i, db := range qu.Databases {
			step, why := p.b.mountedBy(db)
			if why == resubmittedByFailback {
				continue
			}
			if why != "" {
				p.b.note("%s: %s holds mail for %s, which %s; it stays queued.", p.addr, qu.Identity, db, why)
				continue
			}
			mounts++
			delivered += qu.PerDatabase[i]
			if step != nil {
				deps = append(deps, step)
			}
		}
		if mounts == 0 {
			continue
		}
		name := qu.NextHopDomain
		names = append(names, name)
	}
	if len(names) == 0 {
		return 0
	}
	slices.Sort(names)
	reason := fmt.Sprintf("%s in Retry (%s) whose next hop answers by now: transport would wait out its retry interval",
		plural(len(names), "queue"), strings.Join(names, ", "))
	p.add(&providers.Step{Verb: providers.VerbRetryQueue, Args: p.args("queues", strings.Join(names, ",")),
		Reason: reason, Effect: providers.Reversible}, deps...)
	return delivered
}

// paths moves the queue database where the configuration wants it.
func (p *queuePlan) paths(livePath, liveLogging, why string) {
	moving := p.live != nil && p.live.Health != nil && p.live.Health.MovingTo != ""
	if !moving && (livePath == "" || liveLogging == "") {
		// The read did not find the folders (the ems provider could not
		// read EdgeTransport.exe.config): no move is planned from a
		// guess.
		return
	}
	if !moving && strings.EqualFold(livePath, p.q.Path) && strings.EqualFold(liveLogging, p.q.LoggingPath) {
		return
	}
	reason := fmt.Sprintf("the queue database is in %s (logs %s); the configuration puts it in %s (logs %s)", livePath, liveLogging, p.q.Path, p.q.LoggingPath)
	if why != "" {
		reason = why + "; the configuration puts it in " + p.q.Path
	}
	p.add(&providers.Step{Verb: providers.VerbMoveQueueDatabase, Args: p.args("path", p.q.Path, "logging_path", p.q.LoggingPath),
		Reason: reason, Effect: providers.Downtime,
	})
}

// backPressure notes a transport server whose queue database's drive,
// or its logs' drive, puts it under back pressure, and what relieves it:
// the move the configuration plans, or room made on the drive.
func (p *queuePlan) backPressure(bp *org.BackPressure) {
	if bp == nil || bp.Level == "Normal" {
		return
	}
	refuses := "refuses all new mail (452 4.3.1 Insufficient system resources)"
	if bp.Level == "Medium" {
		refuses = "refuses mail from outside the organization"
	}
	want, live := p.q.Path, ""
	if p.live != nil {
		live = p.live.Path
	}
	if bp.Logs {
		want = p.q.LoggingPath
		if p.live != nil {
			live = p.live.LoggingPath
		}
	}
	relief := fmt.Sprintf("free space on %s:, or declare queue_database { %s } on a drive with room, which exdr moves it to", bp.Drive, bp.Attr())
	if want != "" && p.live != nil && !strings.EqualFold(want, live) {
		relief = fmt.Sprintf("the move this plan makes, to %s, relieves it if that drive has room", want)
		if strings.EqualFold(want[:1], bp.Drive) {
			relief = fmt.Sprintf("the move this plan makes, to %s, stays on %s: and does not relieve it: free space there, or declare a %s on another drive", want, bp.Drive, bp.Attr())
		} else if srv := p.b.liveIx.Server(p.q.Server); srv != nil && srv.Health != nil {
			if free, ok := srv.Health.Free[strings.ToUpper(want[:1])]; ok && free <= 500*org.MegaByte {
				relief = fmt.Sprintf("the move this plan makes, to %s, does not relieve it: %s: has %s free, no more than the 500 MB below which back pressure stops all mail: declare a %s on a drive with room", want, strings.ToUpper(want[:1]), free, bp.Attr())
			}
		}
	}
	p.b.note("%s: MSExchangeTransport on %s is under back pressure (%s): its %s %s: is %.1f%% used, the high level at %.1f%%, so it %s; %s.",
		p.addr, p.q.Server, bp.Level, bp.Resource(), bp.Drive, bp.UsedPercent, bp.HighPercent, refuses, relief)
}

// siteHubReady says when an Edge's queue of mail from the Internet can
// be delivered: a hub of its site runs (now, or once this plan rebuilds
// or starts it).
func (b *builder) siteHubReady(qu *org.Queue) (*providers.Step, string) {
	for _, s := range b.live.Servers {
		if !s.Roles.Has(org.RoleHubTransport) || !strings.EqualFold(s.Site, qu.NextHopSite) {
			continue
		}
		if q := b.wantIx.QueueDatabase(s.Name); q != nil {
			if step := b.lastStepOf(q.Addr.String()); step != nil {
				return step, ""
			}
		}
		if step := b.lastStepOf(b.serverAddr(s.Name)); step != nil {
			return step, ""
		}
		if q := b.liveIx.QueueDatabase(s.Name); s.Health != nil && s.Health.Up && q != nil && q.Health != nil && q.Health.Running {
			return nil, ""
		}
	}
	return nil, fmt.Sprintf("%s holds mail from the Internet for the hubs of site %s, none of which runs or is brought back by this plan", qu.Identity, qu.NextHopSite)
}
