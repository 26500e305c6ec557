package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// portability carries the queue database of a failed transport server,
// whose disks survive, to another server of the same role, which delivers
// its messages before its own queue database is put back. It reports
// whether it planned that; if not, the messages wait for the rebuild.
func (p *queuePlan) portability(srv *org.Server) bool {
	h := p.live.Health
	if h == nil || !h.FileExists || h.Messages == 0 && h.MessagesAtRisk == 0 {
		return false
	}
	carry := fmt.Sprintf("%s's mail.que holds %s", srv.Name, plural(h.Messages, "message"))
	if len(h.BadPages) > 0 || h.State == org.StateDirty && !h.Logs.Usable(h.LogRequired) {
		p.b.note("%s: %s but is damaged; it is recovered in place once %s is rebuilt.", p.addr, carry, srv.Name)
		return false
	}
	target := p.b.drainTarget(srv)
	if target == "" {
		p.b.note("%s: %s; no other running %s server can deliver them, so they wait for %s's rebuild.", p.addr, carry, roleNoun(srv.Roles), srv.Name)
		return false
	}
	deps, why := p.deliverable(h)
	if why != "" {
		p.b.note("%s: %s, but %s; they wait for %s's rebuild.", p.addr, carry, why, srv.Name)
		return false
	}
	rebuild := p.last
	p.last = nil
	targetArgs := map[string]string{"queue_server": target, "source": srv.Name}
	if p.live.Path != "" {
		// Where the failed server kept them, for the person who finds
		// its disks.
		targetArgs["source_queue_path"], targetArgs["source_queue_logging_path"] = p.live.Path, p.live.LoggingPath
	}
	imp := p.add(&providers.Step{Verb: providers.VerbImportQueue, Args: targetArgs,
		Reason: fmt.Sprintf("%s's machine has failed with %s queued; its disks survive, so queue database portability carries them to %s, a %s server that runs (same role)",
			srv.Name, plural(h.Messages, "message"), target, roleNoun(srv.Roles)),
		Effect: providers.Downtime,
	})
	p.b.drainHosts[org.Identity(target).Key()] = true
	p.drainOn(target, srv.Name, deps)
	if rebuild != nil {
		// The rebuild takes the disks; their mail.que must be gone by
		// then, or it would be delivered twice.
		after(rebuild, imp)
	}
	p.last = rebuild
	return true
}

// drainOn plans the wait for target to deliver source's messages, then
// the return of target's own queue database.
func (p *queuePlan) drainOn(target, source string, deps []*providers.Step) {
	p.add(&providers.Step{Verb: providers.VerbDrainQueue, Args: map[string]string{"queue_server": target},
		Reason: fmt.Sprintf("%s delivers the messages from %s's queue database (their databases mounted first)", target, source),
		Effect: providers.Reversible,
	}, deps...)
	p.add(&providers.Step{Verb: providers.VerbRestoreQueue, Args: map[string]string{"queue_server": target},
		Reason: fmt.Sprintf("%s's queue database is back in service once %s's is drained (the drained one is kept aside)", target, source),
		Effect: providers.Downtime,
	})
}

// finishDrain completes a drain an earlier apply started on this server.
func (p *queuePlan) finishDrain(source string) {
	deps, why := p.deliverable(p.live.Health)
	if why != "" {
		p.b.note("%s: %s holds the queue database of %s, not yet drained: %s.", p.addr, p.q.Server, source, why)
		return
	}
	if !p.live.Health.Running {
		// An import killed after this server took the source's name
		// leaves MSExchangeTransport stopped and the source's files
		// moved or not, mail.que perhaps dirty: a drain alone would wait
		// on a queue that never runs. The import is run again; it moves
		// what is left, recovers mail.que from its logs, and starts.
		imp := p.add(&providers.Step{Verb: providers.VerbImportQueue, Args: map[string]string{"queue_server": p.q.Server, "source": source},
			Reason: fmt.Sprintf("the import of %s's queue database on %s stopped before MSExchangeTransport ran again; it is finished (what is left moves over, soft recovery, start)", source, p.q.Server),
			Effect: providers.Downtime,
		})
		// Some of the source's files may still be on its disks: its
		// rebuild, which starts a new queue database there, waits.
		if rebuild := p.b.lastStepOf(p.b.serverAddr(source)); rebuild != nil {
			after(rebuild, imp)
		}
	}
	p.drainOn(p.q.Server, source, deps)
}

// drainTarget picks another server with the failed one's transport
// role, in its site when one is, by name; one whose transport runs first.
// A stopped one with a clean queue database of its own serves too: the
// import stops the service anyway and starts it (an import killed after
// the stop leaves it so).
func (b *builder) drainTarget(failed *org.Server) string {
	role := org.RoleHubTransport
	if failed.Roles.Has(org.RoleEdgeTransport) {
		role = org.RoleEdgeTransport
	}
	type candidate struct {
		name           string
		other, stopped bool
	}
	var found []candidate
	for _, s := range b.live.Servers {
		if strings.EqualFold(s.Name, failed.Name) || !s.Roles.Has(role) || s.Health == nil || !s.Health.Up {
			continue
		}
		q := b.liveIx.QueueDatabase(s.Name)
		if q == nil || q.Health == nil || q.Health.DrainingFrom != "" {
			continue
		}
		h := q.Health
		if !h.Running && (!h.FileExists || h.State != org.StateClean || len(h.BadPages) > 0) {
			continue
		}
		found = append(found, candidate{s.Name, !strings.EqualFold(s.Site, failed.Site), !h.Running})
	}
	if len(found) == 0 {
		return ""
	}
	slices.SortFunc(found, func(a, c candidate) int {
		if d := boolOrder(a.other, c.other); d != 0 {
			return d
		}
		if d := boolOrder(a.stopped, c.stopped); d != 0 {
			return d
		}
		return strings.Compare(a.name, c.name)
	})
	return found[0].name
}

// boolOrder orders false before true.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// failedWithDisks reports whether a live server's machine has failed
// with its disks intact (its queue database may be carried elsewhere).
func (b *builder) failedWithDisks(server string) bool {
	s := b.liveIx.Server(server)
	return s != nil && s.Health != nil && !s.Health.Up && s.Health.DisksSurvive
}

func roleNoun(r org.Roles) string {
	if r.Has(org.RoleEdgeTransport) {
		return "Edge Transport"
	}
	return "Hub Transport"
}
