package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/hashicorp/hcl/v2"
)

// copies plans each storage group's passive copy: enabled and seeded
// when missing, seeded again when it failed, was activated, or was seeded
// from a file since restored or repaired. After the databases, whose
// steps a seed waits for.
func (b *builder) copies() {
	for _, sg := range b.desired.StorageGroups {
		if sg.Copy == nil {
			continue
		}
		addr := sg.Addr.String()
		id := sg.Identity()
		deps := []*providers.Step{b.lastStepOf(addr), b.lastStepOf(b.serverAddr(sg.Server))}
		if !sg.Copy.Local {
			deps = append(deps, b.lastStepOf(b.serverAddr(sg.Copy.Machine)))
		}
		var dbs []*org.Database
		for _, db := range b.desired.Databases {
			if db.StorageGroup.Key() == id.Key() {
				dbs = append(dbs, db)
				deps = append(deps, b.lastStepOf(db.Addr.String()))
			}
		}
		live := b.liveIx.StorageGroup(id)
		var lc *org.StandbyCopy
		if live != nil && live.Copy != nil && !live.Copy.Cluster {
			lc = live.Copy // a CCR copy is the cluster's, not the one declared here
		}
		switch {
		case b.failedBack[id.Key()] != nil:
			// Restore-StorageGroupCopy -StandbyMachine ended SCR for the
			// pair ("During activation, SCR is disabled", bb738132): it is
			// enabled again, toward the standby whose paths failback freed.
			b.enableCopy(sg, dbs, append(deps, b.failedBack[id.Key()]), "failback: the database is back on "+sg.Server+", so its SCR copy on "+sg.Copy.Machine+" is enabled again")
			// The database came home by portability, in a stream it was
			// not created in: the copy has no baseline to replay into
			// until it is seeded (Update-StorageGroupCopy, aa998853).
			b.seedCopy(sg, dbs, "failback: the database came home by portability, so the copy has no baseline to replay into: it is seeded from "+sg.Server,
				[]*providers.Step{b.lastStepOf(addr)})
		case b.servedOnStandby[id.Key()]:
			// The copy serves on the standby: nothing to seed until
			// failback, which the plan's waiting list or steps say.
		case !sg.Copy.Local && lc != nil && lc.Health != nil && lc.Health.ActivatedOn != "" && b.copyPathsTaken(sg, dbs) == "":
			// Activated on its standby, and nothing serves there any more
			// (a failback stopped after the standby's database was
			// removed): Restore-StorageGroupCopy ended SCR for the pair,
			// so it is enabled again before its seed.
			b.enableCopy(sg, dbs, deps, fmt.Sprintf("its SCR copy was activated on %s and no database serves there any more: the copy is enabled again", lc.Health.ActivatedOn))
			b.seedCopy(sg, dbs, "the copy has no baseline since its activation: it is seeded from "+sg.Server, []*providers.Step{b.lastStepOf(addr)})
		case !sg.Copy.Local && b.copyPathsTaken(sg, dbs) != "":
			// A seed sets aside what stands at the copy's paths: never
			// the files of a database that serves users there.
			subject := sg.Copy.Range
			b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Standby copy paths in use",
				Detail: fmt.Sprintf("%s: its SCR copy on %s would be seeded at the paths of %s, a database there outside the configuration (one its copy became, serving users?). A seed would set its files aside. "+
					"If its users belong to %s, keep the standby block as it was, with failback = true, to bring them home; otherwise move or remove that database on %s first.",
					addr, sg.Copy.Machine, b.copyPathsTaken(sg, dbs), sg.Identity(), sg.Copy.Machine),
				Subject: &subject})
		case lc == nil || live.Health != nil && !live.Health.FolderExists && lc.Health != nil && lc.Health.Status != "Healthy":
			b.enableCopy(sg, dbs, deps, "")
		case !sameCopy(lc, sg.Copy):
			b.note("%s: its %s copy differs from the configuration (live %s); Exchange changes a copy only by disabling it and enabling it again (Disable-StorageGroupCopy, Enable-StorageGroupCopy), which exdr does not do.",
				addr, sg.Copy.Kind(), describeCopy(lc))
		case b.activated[id.Key()] != nil:
			b.seedCopy(sg, dbs, "the copy was activated in place of the database: replication ended, so it is seeded again from the recovered database", append(deps, b.activated[id.Key()]))
		case lc.Health == nil:
		case lc.Health.Status == "ServiceDown":
			if s := b.lastStepOf(b.serverAddr(lc.Machine)); s != nil && !lc.Local {
				b.seedCopy(sg, dbs, fmt.Sprintf("the standby machine %s is rebuilt without its copy", lc.Machine), deps)
			} else {
				b.note("%s: the machine of its %s copy does not answer; the copy cannot protect %s until it is back.", addr, sg.Copy.Kind(), id)
			}
		case lc.Health.Status == "Failed" || lc.Health.Status == "NotSeeded":
			why := "the copy is not seeded"
			if lc.Health.Error != "" {
				why = "the copy failed: " + lc.Health.Error
			}
			b.seedCopy(sg, dbs, why, deps)
		case len(lc.Health.Stale) > 0:
			b.seedCopy(sg, dbs, fmt.Sprintf("the copy of %s was seeded from a file since restored or repaired: no log can be replayed into it", lc.Health.Stale[0]), deps)
		}
	}
}

func sameCopy(live, want *org.StandbyCopy) bool {
	if live.Local != want.Local {
		return false
	}
	if want.Local {
		return strings.EqualFold(live.Path, want.Path)
	}
	return strings.EqualFold(live.Machine, want.Machine) && live.ReplayLag == want.ReplayLag
}

func describeCopy(c *org.StandbyCopy) string {
	if c.Local {
		return "LCR at " + c.Path
	}
	return fmt.Sprintf("SCR on %s, %s behind", c.Machine, RoundEstimate(time.Duration(c.ReplayLag)))
}

func copyBytes(dbs []*org.Database, b *builder) int64 {
	var n int64
	for _, db := range dbs {
		if l := b.liveIx.Database(db.Identity()); l != nil && l.Health != nil {
			n += int64(l.Health.Size)
		}
	}
	return n
}

func (b *builder) enableCopy(sg *org.StorageGroup, dbs []*org.Database, deps []*providers.Step, why string) {
	c := sg.Copy
	args := map[string]string{}
	if c.Local {
		args["copy"], args["copy_path"] = "local", c.Path
	} else {
		args["standby_machine"], args["replay_lag"] = c.Machine, c.ReplayLag.String()
	}
	if why == "" {
		why = fmt.Sprintf("the configuration keeps an %s copy of %s (%s); it has none, so it is enabled and seeded", c.Kind(), sg.Identity(), describeCopy(c))
	}
	after(b.add(&providers.Step{
		Verb: providers.VerbEnableCopy, Address: sg.Addr.String(), Identity: sg.Identity(), Args: args,
		Reason:   why,
		Effect:   providers.Reversible,
		Estimate: b.estimate(providers.VerbEnableCopy, copyBytes(dbs, b)),
	}), deps...)
}

func (b *builder) seedCopy(sg *org.StorageGroup, dbs []*org.Database, why string, deps []*providers.Step) {
	var args map[string]string
	if !sg.Copy.Local {
		args = map[string]string{"standby_machine": sg.Copy.Machine}
	}
	after(b.add(&providers.Step{
		Verb: providers.VerbSeedCopy, Address: sg.Addr.String(), Identity: sg.Identity(), Args: args,
		Reason:   why + " (the old copy files are set aside first)",
		Effect:   providers.Reversible,
		Estimate: b.estimate(providers.VerbSeedCopy, copyBytes(dbs, b)),
	}), deps...)
}

// exchangeTimeSpan writes a duration as Exchange's d.hh:mm:ss.
func exchangeTimeSpan(d org.Duration) string {
	t := time.Duration(d)
	days := t / (24 * time.Hour)
	t -= days * 24 * time.Hour
	return fmt.Sprintf("%d.%02d:%02d:%02d", days, t/time.Hour, t%time.Hour/time.Minute, t%time.Minute/time.Second)
}

// activate plans Restore-StorageGroupCopy for a damaged database whose
// storage group has a healthy copy: faster than a restore, and nearer the
// moment of the damage. It reports whether it planned (or refused) it.
func (b *builder) activate(db *org.Database, h *org.DatabaseHealth, damage string, parent *providers.Step,
	mount func(string, ...*providers.Step) *providers.Step) bool {
	sg := b.liveIx.StorageGroup(db.StorageGroup)
	want := b.wantIx.StorageGroup(db.StorageGroup)
	if sg == nil || sg.Copy == nil || sg.Copy.Cluster || sg.Copy.Health == nil || want == nil || want.Copy == nil {
		return false // (a CCR copy is the cluster's: clusteredServer activates it)
	}
	ch := sg.Copy.Health
	if ch.ActivatedOn != "" && !want.Copy.Local && strings.EqualFold(ch.ActivatedOn, want.Copy.Machine) && db.Kind == org.MailboxDB {
		// Activated on its standby by a run that stopped before the
		// database there was made: the rest of it, never a restore over
		// the users' newer mail in the copy.
		b.onStandby(db, want.Copy, nil, nil)
		return true
	}
	if ch.Status != "Healthy" || slices.ContainsFunc(ch.Stale, func(s org.Identity) bool { return s.Key() == db.Identity().Key() }) {
		b.note("%s: its %s copy cannot be activated (%s); recovering from other sources.", db.Addr, sg.Copy.Kind(), copyState(ch))
		return false
	}
	c := sg.Copy
	id := db.Identity()
	addr := db.Addr.String()
	var deps []*providers.Step
	if h.Mounted {
		deps = append(deps, b.dismountFirst(db, parent, "a copy is activated in place of a dismounted database"))
	}
	args := map[string]string{}
	if !c.Local {
		args["standby_machine"] = c.Machine
	}
	effect, loss := providers.Irreversible, ""
	lost := 0
	if !ch.SourceUp {
		args["force"] = "true"
		lost = ch.CopyQueue()
	}
	if lost > 0 {
		first := ch.LastCopied + 1
		loss = fmt.Sprintf("log generation %d and later (%s), which the copy never received before the source was lost", first, plural(lost, "generation"))
		if !b.allowed(db, fmt.Sprintf("%s; its source is gone, so activating its %s copy on %s (-Force) loses %s", damage, c.Kind(), copyHost(c, sg.Server), loss),
			"A restore from a backup would lose more: everything since the backup, as the source's logs are gone with it.") {
			return true
		}
		effect = providers.DataLoss
		b.plan.Losses = append(b.plan.Losses, Loss{Address: addr, What: loss})
	}
	bytes := int64(h.Size)
	est := b.estimate(providers.VerbActivateCopy, bytes)
	reach := ch.LastCopied
	if ch.SourceUp {
		reach = ch.SourceNewest
	}
	chain := org.FindChain(b.live.Backups, id, db.StorageGroup, time.Time{})
	if bytes == 0 && chain != nil {
		bytes = chain.Bytes() // the file is gone: the backup's size stands in for it
		est = b.estimate(providers.VerbActivateCopy, bytes)
	}
	reason := fmt.Sprintf("%s; its %s copy on %s is healthy: activating it takes about %s and reaches log generation %d",
		damage, c.Kind(), copyHost(c, sg.Server), RoundEstimate(est), reach)
	if chain != nil && len(chain.Sets) > 0 {
		restoreReach := b.chainReach(db, chain)
		copyBack, hard := b.restoreTime(chain, restoreReach)
		reason += fmt.Sprintf("; a restore of %s would take about %s and reach generation %d",
			chain.Describe(), RoundEstimate(copyBack+hard), restoreReach)
	}
	if rebuild := b.byID[providers.StepID(b.serverAddr(db.Server()), providers.VerbCreateServer)]; rebuild != nil && !c.Local && db.Kind == org.MailboxDB {
		// Activated in its place, the copy's files go back to the
		// rebuilt server, and users wait for it; on the standby they
		// need not.
		choice := b.chooseStandby(db, want.Copy, rebuild, est)
		if choice.onStandby {
			args["on_standby"] = "true"
			step := after(b.add(&providers.Step{
				Verb: providers.VerbActivateCopy, Address: addr, Identity: db.StorageGroup, Args: args,
				Reason: reason + "; " + choice.why, Effect: effect, Loss: loss, Estimate: est,
			}), append(deps, b.lastStepOf(b.serverAddr(c.Machine)))...)
			if parent != nil && parent.Verb == providers.VerbCreateStorageGroup {
				// The source's storage group, made again on the rebuilt
				// server, starts a new stream only after its copy was
				// restored from the old one.
				after(parent, step)
			}
			b.onStandby(db, want.Copy, step, nil)
			return true
		}
		b.note("%s: its SCR copy on %s is activated once %s is rebuilt: %s.", db.Addr, c.Machine, db.Server(), choice.why)
	}
	step := after(b.add(&providers.Step{
		Verb: providers.VerbActivateCopy, Address: addr, Identity: db.StorageGroup, Args: args,
		Reason: reason, Effect: effect, Loss: loss, Estimate: est,
	}), append(deps, parent, b.lastStepOf(b.serverAddr(c.Machine)))...)
	last := step
	if db.Mounted {
		last = mount("the activated copy is mounted", step)
	}
	b.activated[db.StorageGroup.Key()] = last
	return true
}

func copyHost(c *org.StandbyCopy, server string) string {
	if c.Local {
		return server + " (" + c.Path + ")"
	}
	return c.Machine
}

func copyState(h *org.CopyHealth) string {
	if h.Error != "" {
		return h.Status + ": " + h.Error
	}
	if len(h.Stale) > 0 {
		return "seeded from a file since replaced"
	}
	return h.Status
}

// copyPathsTaken names a live database on the SCR copy's machine, outside
// the configuration, that stands at one of the copy's paths (its file at
// a database's path, or its storage group at the copy's log folder);
// "" when none does.
func (b *builder) copyPathsTaken(sg *org.StorageGroup, dbs []*org.Database) string {
	for _, l := range b.live.Databases {
		if !strings.EqualFold(l.Server(), sg.Copy.Machine) || b.wantIx.Database(l.Identity()) != nil {
			continue
		}
		for _, db := range dbs {
			if strings.EqualFold(l.EdbFilePath, db.EdbFilePath) {
				return string(l.Identity())
			}
		}
		if lsg := b.liveIx.StorageGroup(l.StorageGroup); lsg != nil && org.SameFolder(lsg.LogFolderPath, sg.LogFolderPath) {
			return string(l.Identity())
		}
	}
	return ""
}
