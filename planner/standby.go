package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/hashicorp/hcl/v2"
)

// Activation of an SCR copy on its standby machine, as Exchange 2007 SP1
// documents it in "Standby Continuous Replication: Database Portability"
// (https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb738132(v=exchg.80)):
// Restore-StorageGroupCopy -StandbyMachine brings the copy to a clean
// shutdown where it stands; a storage group and a database are made on
// the standby at the copy's paths (New-StorageGroup, New-MailboxDatabase,
// the same paths SCR requires on both machines); AllowFileRestore lets
// Mount-Database take the file; Move-Mailbox -ConfigurationOnly re-homes
// the users. Users are back without waiting for their server's rebuild,
// and stay on the standby until a declared failback takes them home.

// standbyChoice is which way a lost server's SCR copy serves its users.
type standbyChoice struct {
	onStandby bool
	why       string
}

// chooseStandby compares activating db's SCR copy on its standby with
// waiting for the server's rebuild (and with a restore, which the
// caller's reason already weighs): the objectives' RTO decides. Waiting
// needs no failback later, so it is taken when it fits the RTO;
// otherwise, or with no RTO declared, the standby serves the users.
func (b *builder) chooseStandby(db *org.Database, c *org.StandbyCopy, rebuild *providers.Step, activate time.Duration) standbyChoice {
	if standby := b.liveIx.Server(c.Machine); standby == nil || standby.Health == nil || !standby.Health.Up || b.lastStepOf(b.serverAddr(c.Machine)) != nil {
		return standbyChoice{why: fmt.Sprintf("its standby %s does not answer, so the copy waits for %s's rebuild", c.Machine, db.Server())}
	}
	wait := rebuild.Estimate + activate
	there := activate + standbyOverhead
	rto := time.Duration(b.plan.Objectives.RTO)
	if rto > 0 && wait <= rto {
		return standbyChoice{why: fmt.Sprintf("waiting for %s's rebuild and activating the copy there (about %s) fits the RTO of %s, and needs no failback later; activated on %s, users would be back in about %s",
			db.Server(), RoundEstimate(wait), RoundEstimate(rto), c.Machine, RoundEstimate(there))}
	}
	limit := "no RTO is declared"
	if rto > 0 {
		limit = "beyond the RTO of " + RoundEstimate(rto)
	}
	stay := fmt.Sprintf("They stay on %s until failback is declared", c.Machine)
	if c.Failback {
		// Declared before the disaster (a failback = true left in place
		// after an earlier one): the next plan takes them back at once,
		// an outage of its own, which the reason must not hide.
		stay = fmt.Sprintf("failback = true is declared, so the next apply takes them back to %s once it is rebuilt, in a planned outage: remove it to keep them on %s for now", db.Server(), c.Machine)
	}
	return standbyChoice{onStandby: true, why: fmt.Sprintf("activated on %s, users are back in about %s; waiting for %s's rebuild would take about %s (%s). %s",
		c.Machine, RoundEstimate(there), db.Server(), RoundEstimate(wait), limit, stay)}
}

// standbyOverhead is what the portability steps add to the activation
// before users are back: a storage group, a database, the restore flag,
// the mount, the re-home (onStandby's steps, which run one after another).
var standbyOverhead = func() time.Duration {
	var d time.Duration
	for _, v := range []providers.Verb{providers.VerbCreateStorageGroup, providers.VerbCreateDatabase, providers.VerbAllowFileRestore,
		providers.VerbMount, providers.VerbRehomeMailboxes} {
		d += estimate(v, 0)
	}
	return d
}()

// standbyServing finds the database db's SCR copy became on its standby:
// a mailbox database on the copy's machine, outside the configuration,
// in a storage group at the copy's log folder (SCR keeps the same paths
// on both machines; the storage group exdr made there for it). Found by
// the folder, not by name: a database renamed or moved in the
// configuration meanwhile is still the one its users are on. The copy is
// the configuration's, or, when the configuration no longer declares one
// (declared false), the one the organization still has.
func (b *builder) standbyServing(db *org.Database) (serving *org.Database, c *org.StandbyCopy, declared bool) {
	want := b.wantIx.StorageGroup(db.StorageGroup)
	live := b.liveIx.StorageGroup(db.StorageGroup)
	if db.Kind != org.MailboxDB || want == nil {
		return nil, nil, false
	}
	logs := b.copyLogFolder(db.StorageGroup)
	// The declared standby first; then the one the organization's copy
	// names, or was activated on (the configuration may name another
	// machine now, or none).
	type candidate struct {
		c        *org.StandbyCopy
		declared bool
	}
	var candidates []candidate
	if want.Copy != nil && !want.Copy.Local {
		candidates = append(candidates, candidate{want.Copy, true})
	}
	if live != nil && live.Copy != nil && !live.Copy.Local && !live.Copy.Cluster {
		candidates = append(candidates, candidate{live.Copy, false})
		if h := live.Copy.Health; h != nil && h.ActivatedOn != "" && !strings.EqualFold(h.ActivatedOn, live.Copy.Machine) {
			candidates = append(candidates, candidate{&org.StandbyCopy{Machine: h.ActivatedOn}, false})
		}
	}
	for _, cand := range candidates {
		for _, l := range b.live.Databases {
			if l.Kind != org.MailboxDB || !strings.EqualFold(l.Server(), cand.c.Machine) || b.wantIx.Database(l.Identity()) != nil {
				continue
			}
			if sg := b.liveIx.StorageGroup(l.StorageGroup); sg != nil && b.wantIx.StorageGroup(sg.Identity()) == nil && org.SameFolder(sg.LogFolderPath, logs) {
				declared := cand.declared || want.Copy != nil && !want.Copy.Local && strings.EqualFold(want.Copy.Machine, cand.c.Machine)
				return l, cand.c, declared
			}
		}
	}
	return nil, nil, false
}

// copyLogFolder is where a storage group's SCR copy keeps its logs on the
// standby, the source's own log folder (SCR keeps the paths): as the
// organization has it, or, not read, as the configuration says.
func (b *builder) copyLogFolder(sg org.Identity) string {
	if live := b.liveIx.StorageGroup(sg); live != nil {
		return live.LogFolderPath
	}
	if want := b.wantIx.StorageGroup(sg); want != nil {
		return want.LogFolderPath
	}
	return ""
}

// standbyGroup names the storage group made on the standby for the copy:
// the source's name, unless the standby has one of that name already.
func (b *builder) standbyGroup(sg org.Identity, machine string) org.Identity {
	// One an earlier run made there (stopped before its database): on
	// the machine, at the copy's log folder, outside the configuration.
	logs := b.copyLogFolder(sg)
	for _, live := range b.live.StorageGroups {
		if strings.EqualFold(live.Server, machine) && org.SameFolder(live.LogFolderPath, logs) && b.wantIx.StorageGroup(live.Identity()) == nil {
			return live.Identity()
		}
	}
	parts := sg.Parts()
	name := parts[len(parts)-1]
	taken := func(n string) bool {
		id := org.Identity(machine).Join(n)
		return b.liveIx.StorageGroup(id) != nil || b.wantIx.StorageGroup(id) != nil
	}
	try := name
	for i := 2; taken(try); i++ {
		suffix := fmt.Sprintf(" (%s)", parts[0])
		if i > 2 {
			suffix = fmt.Sprintf(" (%s %d)", parts[0], i-1)
		}
		try = fitName(name, suffix)
	}
	return org.Identity(machine).Join(try)
}

// onStandby plans what remains of the copy's activation on its standby
// after activation (the Restore-StorageGroupCopy step, nil when it ran
// already): the storage group and database there, unless they stand; the
// restore flag; the mount; the users re-homed; the flag put back. serving
// is the database made there by an earlier run, nil before.
func (b *builder) onStandby(db *org.Database, c *org.StandbyCopy, activation *providers.Step, serving *org.Database) {
	addr := db.Addr.String() + ".standby"
	sgID := b.standbyGroup(db.StorageGroup, c.Machine)
	if serving != nil {
		sgID = serving.StorageGroup
	}
	dbID := sgID.Join(db.Name)
	src := b.liveIx.StorageGroup(db.StorageGroup)
	want := b.wantIx.StorageGroup(db.StorageGroup)
	logs, system := want.LogFolderPath, want.SystemFolderPath
	if src != nil {
		logs, system = src.LogFolderPath, src.SystemFolderPath
	}
	prev := activation
	if b.liveIx.StorageGroup(sgID) == nil {
		prev = after(b.add(&providers.Step{
			Verb: providers.VerbCreateStorageGroup, Address: addr, Identity: sgID,
			Args: map[string]string{"server": c.Machine, "name": sgID.Parts()[1], "log_folder_path": logs,
				"system_folder_path": system, "circular_logging": "false"},
			Reason: fmt.Sprintf("a storage group on %s at the copy's paths (%s), for the activated copy to be mounted there", c.Machine, logs),
			Effect: providers.Reversible,
		}), prev)
	}
	if serving == nil {
		args := databaseSettings(db, nil)
		args["storage_group"], args["name"], args["kind"], args["edb_file_path"], args["object_only"] = string(sgID), db.Name, "mailbox", db.EdbFilePath, "true"
		prev = after(b.add(&providers.Step{
			Verb: providers.VerbCreateDatabase, Address: addr, Identity: dbID, Args: args,
			Reason: fmt.Sprintf("the database object on %s, at the copy's file %s, not mounted", c.Machine, db.EdbFilePath),
			Effect: providers.Reversible,
		}), prev)
	}
	mounted := serving != nil && serving.Health != nil && serving.Health.Mounted
	if !mounted && serving != nil && serving.Health != nil && serving.Health.State == org.StateDirty {
		// A mount cut short: soft recovery first, as for any database.
		if s := b.standbySoftRecovery(addr, serving, fmt.Sprintf("a mount on %s was cut short", c.Machine), prev); s != nil {
			prev = s
		}
	}
	allowed := serving != nil && isTrue(serving.AllowFileRestore)
	if !mounted {
		if !allowed {
			allowed = true
			prev = after(b.add(&providers.Step{
				Verb: providers.VerbAllowFileRestore, Address: addr, Identity: dbID, Args: map[string]string{"value": "true"},
				Reason: "the copy's file is mounted by a new database object only once \"This database can be overwritten by a restore\" is set",
				Effect: providers.Reversible,
			}), prev)
		}
		prev = after(b.add(&providers.Step{
			Verb: providers.VerbMount, Address: addr, Identity: dbID,
			Reason: fmt.Sprintf("the activated copy is mounted on %s", c.Machine), Effect: providers.Reversible,
		}), prev)
	}
	if serving == nil || b.homedIn(db.Identity()) > 0 {
		prev = after(b.add(&providers.Step{
			Verb: providers.VerbRehomeMailboxes, Address: addr, Identity: dbID, Args: map[string]string{"source": string(db.Identity())},
			Reason: fmt.Sprintf("the mailboxes homed in %s are re-homed in %s, where their data is", db.Identity(), dbID),
			Effect: providers.Reversible,
		}), prev)
	}
	if allowed {
		after(b.add(&providers.Step{
			Verb: providers.VerbSetDatabase, Address: addr, Identity: dbID, Args: map[string]string{"allow_file_restore": "false", "kind": "mailbox"},
			Reason: "put \"This database can be overwritten by a restore\" back", Effect: providers.Reversible,
		}), prev)
	}
	b.servedOnStandby[db.StorageGroup.Key()] = true
	b.standbyObjects[dbID.Key()], b.standbyObjects[sgID.Key()] = true, true
}

// homedIn counts the live mailboxes homed in a database.
func (b *builder) homedIn(id org.Identity) int {
	n := 0
	for _, m := range b.live.Mailboxes {
		if m.Database.Key() == id.Key() {
			n++
		}
	}
	return n
}

// servedFromStandby plans a database whose SCR copy serves its users on
// the standby: what remains of the activation, then, with failback
// declared, the way back; without it the database waits, said so.
func (b *builder) servedFromStandby(db, live, serving *org.Database, c *org.StandbyCopy, parent *providers.Step,
	mount func(string, ...*providers.Step) *providers.Step) {
	addr := db.Addr.String() + ".failback"
	h := serving.Health
	// Mounted once, the standby's database has taken the copy's file as
	// its own (until then the file names the database it copies). Once
	// it has, and failback is declared, the failback steps take it from
	// there, whatever its state (dismounted by the failback, by hand, or
	// by a crashed store): it is not mounted on the standby again.
	adopted := h != nil && h.FileExists && h.Foreign == ""
	// Home is back once its database is mounted and the users are homed
	// there. Mounted while they are still on the standby, its file may be
	// the one copied from the standby (a failback stopped before the
	// re-home) or an older one (mounted by hand, disks that survived):
	// nothing tells which, so failback copies the standby's again.
	xMounted := live != nil && live.Health != nil && live.Health.Mounted && len(live.Health.BadPages) == 0
	usersThere := b.homedIn(serving.Identity()) > 0
	back := xMounted && !usersThere
	// The copy's file before its first mount there reads as another
	// database's (Foreign): not damage.
	lostThere := h == nil || h.Unreadable != "" || !h.FileExists || len(h.BadPages) > 0 && h.Foreign == ""
	// Its users are at home there, whatever follows (no mailbox is made
	// for them in the database they left).
	b.servedOnStandby[db.StorageGroup.Key()] = true
	b.standbyObjects[serving.Identity().Key()], b.standbyObjects[serving.StorageGroup.Key()] = true, true
	b.servingOf[db.Identity().Key()] = serving.Identity()
	wait := func(format string, args ...any) {
		b.plan.Waiting = append(b.plan.Waiting, Waiting{Address: db.Addr.String(), Identity: db.Identity(), Why: fmt.Sprintf(format, args...)})
	}
	switch {
	case h == nil:
		wait("%s on %s, which its users were left on, could not be read: plan again once it can be", serving.Identity(), c.Machine)
		return
	case xMounted && h.Mounted && usersThere:
		wait("both %s and %s are mounted while its users are homed on the standby: exdr does not choose which holds their newest mail; dismount the one that should not serve, and plan again", db.Identity(), serving.Identity())
		return
	case back && !c.Failback:
		// Failback began (the database is mounted at home again) and is
		// no longer declared: never send the users back to the standby's
		// older copy.
		wait("failback to %s began (it is mounted there again) and is no longer declared: declare failback = true in the storage group's standby block again to finish it", db.Server())
		return
	case !back && lostThere && (h.Unreadable != "" || !b.serverUp(c.Machine)):
		// The standby does not answer (or its database could not be
		// read): not lost, for all exdr knows.
		wait("%s on the standby %s, which its users were left on, cannot be reached: bring %s back (or let this plan rebuild it), and plan again", serving.Identity(), c.Machine, c.Machine)
		return
	case !back && lostThere:
		subject := db.Decl.Range
		what := "its file is missing"
		switch {
		case h == nil || h.Unreadable != "":
			what = "it cannot be read"
		case h.FileExists:
			what = pagesFail(h.BadPages)
		}
		b.refuse(db.Addr.String(), &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "The database serving on the standby is lost",
			Detail: fmt.Sprintf("%s: its users are served by %s on the standby %s, where its SCR copy was activated, and %s. exdr does not recover a database on a standby yet, and planning %s at home would leave the users' newest mail behind: "+
				"restore %s on %s from its backups (or repair it) by hand, then plan again; meanwhile -target recovers the rest.",
				db.Addr, serving.Identity(), c.Machine, what, db.Identity(), serving.Identity(), c.Machine),
			Subject: &subject})
		return
	}
	if !back && (!c.Failback || !adopted) {
		before := len(b.steps)
		b.onStandby(db, c, nil, serving)
		if len(b.steps) > before {
			// The activation is not finished: finish it first; failback
			// is for a later plan, once users are back.
			return
		}
	}
	if !c.Failback {
		wait("its users are served by %s on the standby %s, where its SCR copy was activated; the way back to %s is a planned outage: declare failback = true in the storage group's standby block, and plan in a maintenance window", serving.Identity(), c.Machine, db.Server())
		return
	}
	if srv := b.liveIx.Server(db.Server()); (srv == nil || srv.Health == nil || !srv.Health.Up) && b.lastStepOf(b.serverAddr(db.Server())) == nil {
		wait("failback is declared, but %s does not answer and is not rebuilt by this plan", db.Server())
		return
	}
	id := db.Identity()
	var last *providers.Step
	xh := (*org.DatabaseHealth)(nil)
	if live != nil {
		xh = live.Health
	}
	var homeDown *providers.Step
	if xMounted && !back {
		// Mounted at home while the users are still on the standby:
		// dismounted, its file set aside and the standby's copied again.
		homeDown = after(b.add(&providers.Step{
			Verb: providers.VerbDismount, Address: addr + ".home", Identity: id,
			Reason: fmt.Sprintf("failback: %s is mounted while its users are still homed on %s: it is dismounted, and its file set aside for the standby's, which holds their newest mail", id, serving.Identity()),
			Effect: providers.Downtime,
		}), parent)
	}
	if !back {
		// The planned outage: the standby's database dismounted, its
		// file copied home, mounted there. Whatever file stands at home
		// is set aside first, even one a stopped run copied there: while
		// the users are homed on the standby, its database is the one
		// that holds their mail, and nothing else tells which file is
		// which (a server whose disks survived keeps its file from
		// before the activation, of the same name and stream).
		var allow *providers.Step
		if live == nil || !isTrue(live.AllowFileRestore) {
			allow = after(b.add(&providers.Step{
				Verb: providers.VerbAllowFileRestore, Address: addr, Identity: id, Args: map[string]string{"value": "true"},
				Reason: fmt.Sprintf("failback: %s takes its file back from %s only once \"This database can be overwritten by a restore\" is set", id, c.Machine),
				Effect: providers.Reversible,
			}), parent, homeDown)
		}
		var down *providers.Step
		switch {
		case h.Mounted:
			// Not before home is ready for the file (a rebuild, its
			// storage group): the outage is the copy and the mount only.
			down = after(b.add(&providers.Step{
				Verb: providers.VerbDismount, Address: addr, Identity: serving.Identity(),
				Reason: fmt.Sprintf("failback, the planned outage: %s is dismounted on %s (clean shutdown, nothing lost); its users are offline until %s mounts", serving.Identity(), c.Machine, id),
				Effect: providers.Downtime,
			}), parent, allow)
		case h.State == org.StateDirty:
			// The standby's store stopped without a clean dismount: soft
			// recovery brings the file to clean shutdown before its copy.
			if down = b.standbySoftRecovery(addr, serving, fmt.Sprintf("failback: %s stopped on %s without a clean dismount, and its file is copied only in clean shutdown", serving.Identity(), c.Machine), parent, allow); down == nil {
				wait("failback is declared, but %s on %s is in dirty shutdown without the logs to recover it: exdr does not carry it back so", serving.Identity(), c.Machine)
				return
			}
		}
		args := map[string]string{"source": string(serving.Identity()), "source_server": c.Machine, "source_edb_file_path": serving.EdbFilePath, "edb_file_path": db.EdbFilePath}
		why := ""
		if xh != nil && xh.FileExists {
			args["set_aside"] = "true"
			why = "; the file there is set aside first"
		}
		last = after(b.add(&providers.Step{
			Verb: providers.VerbPlaceDatabase, Address: addr, Identity: id, Args: args,
			Reason: fmt.Sprintf("failback: the database file is copied from %s back to %s on %s%s; the standby's stays until its storage group is removed", c.Machine, db.EdbFilePath, db.Server(), why),
			Effect: providers.Reversible, Estimate: b.estimate(providers.VerbRestoreBackup, int64(h.Size)),
		}), allow, down, parent, homeDown)
		if db.Mounted {
			last = mount("failback: the database is mounted on "+db.Server(), last)
		}
	}
	if !back || b.homedIn(serving.Identity()) > 0 {
		last = after(b.add(&providers.Step{
			Verb: providers.VerbRehomeMailboxes, Address: addr, Identity: id, Args: map[string]string{"source": string(serving.Identity())},
			Reason: fmt.Sprintf("failback: the mailboxes homed in %s are re-homed in %s", serving.Identity(), id),
			Effect: providers.Reversible,
		}), last, parent)
	}
	if (db.AllowFileRestore == nil || !*db.AllowFileRestore) && (!back || isTrue(live.AllowFileRestore)) {
		// In the chain the standby's removal waits for: a plan narrowed
		// with -target to what follows never leaves the flag set.
		last = after(b.add(&providers.Step{
			Verb: providers.VerbSetDatabase, Address: addr, Identity: id, Args: map[string]string{"allow_file_restore": "false", "kind": "mailbox"},
			Reason: "put \"This database can be overwritten by a restore\" back", Effect: providers.Reversible,
		}), last, parent)
	}
	// Mail queued for the standby's database (dismounted for the
	// failback, or by hand before it) follows its re-homed recipients: a
	// retry sends it where they are now, before the database goes.
	for _, q := range b.live.QueueDatabases {
		if q.Health == nil {
			continue
		}
		var names []string
		for _, qu := range q.Health.Queues {
			// The delivery queue to the standby's Mailbox server: the
			// lab says which databases its messages are for; the shell
			// does not, so any message queued there is resubmitted
			// (what is for another database goes back where it was).
			forIt := slices.ContainsFunc(qu.Databases, func(id org.Identity) bool { return id.Key() == serving.Identity().Key() })
			if len(qu.Databases) == 0 && qu.MessageCount > 0 && qu.DeliveryType == "MapiDelivery" && strings.EqualFold(qu.NextHopDomain, c.Machine) {
				forIt = true
			}
			if forIt && !slices.Contains(names, qu.NextHopDomain) {
				names = append(names, qu.NextHopDomain)
			}
		}
		if len(names) == 0 {
			continue
		}
		retry := after(b.add(&providers.Step{
			Verb: providers.VerbRetryQueue, Address: addr + "." + q.Server, Identity: org.Identity(q.Server).Join("mail.que"),
			Args:   map[string]string{"queue_server": q.Server, "queues": strings.Join(names, ","), "resubmit": "true"},
			Reason: fmt.Sprintf("failback: %s holds mail for %s, whose users are re-homed in %s: resubmitted, it is routed to them there", q.Server, serving.Identity(), id),
			Effect: providers.Reversible,
		}), last, parent)
		last = retry
		b.resubmitted[serving.Identity().Key()] = true
	}
	remove := after(b.add(&providers.Step{
		Verb: providers.VerbRemoveDatabase, Address: addr, Identity: serving.Identity(),
		Args:   map[string]string{"storage_group": string(serving.StorageGroup), "edb_file_path": serving.EdbFilePath, "server": c.Machine},
		Reason: fmt.Sprintf("failback: the standby's database and storage group, now without users, are removed from Active Directory; their files on %s are set aside (kept), which frees the copy's paths", c.Machine),
		Effect: providers.Irreversible,
	}), last, parent)
	b.failedBack[db.StorageGroup.Key()] = remove
	b.standbyObjects[serving.Identity().Key()], b.standbyObjects[serving.StorageGroup.Key()] = true, true
	if !back {
		b.note("%s: failback moves its users back to %s with an outage of about %s (the file's copy back); plan it in a maintenance window.",
			db.Addr, db.Server(), RoundEstimate(b.estimate(providers.VerbRestoreBackup, int64(h.Size))+estimate(providers.VerbMount, 0)))
	}
}

// Waiting is a resource that differs from the configuration and that
// exdr leaves as it is until the configuration says more: a database
// served from its standby until failback is declared.
type Waiting struct {
	Address  string
	Identity org.Identity
	Why      string
}

func isTrue(b *bool) bool { return b != nil && *b }

// UsersBack is when a database's users can work again as a plan goes:
// the end of its last mount or re-home, independent steps run at once.
type UsersBack struct {
	Address  string       // the database's address
	Identity org.Identity // the database they work in: on a standby, the one there
	Estimate time.Duration
	Standby  bool // served from its standby (its SCR copy activated there)
	// PassiveNode is the node a clustered mailbox server's activated
	// CCR copy serves on: the users are back there before the lost
	// node's rebuild ends.
	PassiveNode string
}

// stepGroups are the suffixes of a database's step groups.
var stepGroups = []string{".standby", ".failback", ".dial_tone"}

// UsersBack lists, per database the plan mounts, when its users are
// back: before the plan's end when the rest of the recovery (a rebuild
// no database waits for, a copy's seed) goes on after them.
func (p *Plan) UsersBack() []UsersBack {
	finish := p.Finishes()
	byAddr := map[string]*UsersBack{}
	var order []string
	byID := make(map[string]*providers.Step, len(p.Steps))
	for _, s := range p.Steps {
		byID[s.ID] = s
	}
	for _, s := range p.Steps {
		if s.Verb != providers.VerbMount && s.Verb != providers.VerbRehomeMailboxes {
			continue
		}
		addr, standby := s.Address, false
		for _, g := range stepGroups {
			if base, ok := strings.CutSuffix(addr, g); ok {
				addr, standby = base, g == ".standby"
			}
		}
		if !strings.HasPrefix(addr, org.KindMailboxDatabase.String()+".") && !strings.HasPrefix(addr, org.KindPublicFolderDatabase.String()+".") {
			continue
		}
		u := byAddr[addr]
		if u == nil {
			u = &UsersBack{Address: addr}
			byAddr[addr] = u
			order = append(order, addr)
		}
		if finish[s.ID] >= u.Estimate {
			u.Estimate, u.Identity = finish[s.ID], s.Identity
		}
		u.Standby = u.Standby || standby
		for _, d := range s.DependsOn {
			if a := byID[d]; a != nil && a.Verb == providers.VerbActivateCopy && a.Args["cluster"] == "true" {
				u.PassiveNode = a.Args["node"]
			}
		}
	}
	out := make([]UsersBack, 0, len(order))
	for _, a := range order {
		out = append(out, *byAddr[a])
	}
	return out
}

// standbyOption notes, for a mailbox database whose users wait for their
// server's rebuild past the RTO while its SCR copy could serve them on a
// standby that answers, what that would cost: exdr activates a copy on
// its standby only when the source's files are gone (activate); with the
// server's disks surviving, waiting loses nothing and activating would
// lose the generations the copy never received.
func (b *builder) standbyOption(db *org.Database) {
	rebuild := b.byID[providers.StepID(b.serverAddr(db.Server()), providers.VerbCreateServer)]
	want := b.wantIx.StorageGroup(db.StorageGroup)
	live := b.liveIx.StorageGroup(db.StorageGroup)
	rto := time.Duration(b.plan.Objectives.RTO)
	if rebuild == nil || db.Kind != org.MailboxDB || want == nil || want.Copy == nil || want.Copy.Local || live == nil || live.Copy == nil || live.Copy.Cluster ||
		live.Copy.Health == nil || live.Copy.Health.Status != "Healthy" || b.servedOnStandby[db.StorageGroup.Key()] || rto <= 0 || rebuild.Estimate <= rto {
		return
	}
	if s := b.lastStepOf(db.Addr.String()); s != nil && s.Verb == providers.VerbActivateCopy {
		return
	}
	if !b.serverUp(want.Copy.Machine) {
		return
	}
	if srv := b.liveIx.Server(db.Server()); srv == nil || srv.Health == nil || !srv.Health.DisksSurvive {
		// Only surviving disks make waiting lossless; with disks lost the
		// copy is activated (activate), and unknown ones are not guessed.
		return
	}
	b.note("%s: its users wait for %s's rebuild (about %s), beyond the RTO of %s; waiting loses nothing. Its SCR copy on %s could serve them sooner, losing the %s it has not received, but exdr activates a copy on its standby only when the source's files are gone; "+
		"to serve them from %s now, run Restore-StorageGroupCopy -Identity %s -StandbyMachine %s -Force, then database portability there, by hand.",
		db.Addr, db.Server(), RoundEstimate(rebuild.Estimate), RoundEstimate(rto), want.Copy.Machine, plural(max(live.Copy.Health.CopyQueue(), 1), "log generation"),
		want.Copy.Machine, psQuote(string(db.StorageGroup)), psQuote(want.Copy.Machine))
}

// maxStorageGroupName is the longest storage group name Exchange 2007
// accepts (New-StorageGroup -Name).
const maxStorageGroupName = 64

// fitName is name with suffix, name shortened so that the whole fits a
// storage group name.
func fitName(name, suffix string) string {
	r := []rune(name)
	if keep := maxStorageGroupName - utf8.RuneCountInString(suffix); len(r) > keep {
		r = r[:max(keep, 1)]
	}
	return strings.TrimRight(string(r), " ") + suffix
}

// serverUp reports whether a server answers as the organization was read.
func (b *builder) serverUp(name string) bool {
	s := b.liveIx.Server(name)
	return s != nil && s.Health != nil && s.Health.Up
}

// standbySoftRecovery plans soft recovery of the database on a standby
// left in dirty shutdown, when its storage group has every generation it
// needs; nil when it has not.
func (b *builder) standbySoftRecovery(addr string, db *org.Database, why string, deps ...*providers.Step) *providers.Step {
	h, lsg := db.Health, b.liveIx.StorageGroup(db.StorageGroup)
	if h == nil || lsg == nil || lsg.Health == nil || !lsg.Health.Usable(h.LogRequired) {
		return nil
	}
	return after(b.add(&providers.Step{
		Verb: providers.VerbReplayLogs, Address: addr, Identity: db.Identity(), Args: replayArgs(lsg.Health.Prefix, lsg, db.EdbFilePath),
		Reason: fmt.Sprintf("%s (dirty shutdown, generations %s present): soft recovery replays them, losing nothing", why, h.LogRequired),
		Effect: providers.Reversible, Estimate: b.estimate(providers.VerbReplayLogs, int64(h.LogRequired.High-h.LogRequired.Low+1)),
	}), deps...)
}
