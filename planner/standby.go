package planner

import (
	"fmt"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
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
	return standbyChoice{onStandby: true, why: fmt.Sprintf("activated on %s, users are back in about %s; waiting for %s's rebuild would take about %s (%s). They stay on %s until failback is declared",
		c.Machine, RoundEstimate(there), db.Server(), RoundEstimate(wait), limit, c.Machine)}
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
// a mailbox database on the copy's machine, of db's name, at db's path
// (SCR keeps the same paths on both machines), which the configuration
// does not name. Nil when the copy was not activated there.
func (b *builder) standbyServing(db *org.Database) (*org.Database, *org.StandbyCopy) {
	want := b.wantIx.StorageGroup(db.StorageGroup)
	if db.Kind != org.MailboxDB || want == nil || want.Copy == nil || want.Copy.Local {
		return nil, nil
	}
	for _, live := range b.live.Databases {
		if live.Kind == org.MailboxDB && strings.EqualFold(live.Server(), want.Copy.Machine) &&
			strings.EqualFold(live.EdbFilePath, db.EdbFilePath) && strings.EqualFold(live.Name, db.Name) &&
			b.wantIx.Database(live.Identity()) == nil {
			return live, want.Copy
		}
	}
	return nil, nil
}

// standbyGroup names the storage group made on the standby for the copy:
// the source's name, unless the standby has one of that name already.
func (b *builder) standbyGroup(sg org.Identity, machine string) org.Identity {
	// One an earlier run made there (stopped before its database): on
	// the machine, at the copy's log folder, outside the configuration.
	if src := b.wantIx.StorageGroup(sg); src != nil {
		for _, live := range b.live.StorageGroups {
			if strings.EqualFold(live.Server, machine) && strings.EqualFold(live.LogFolderPath, src.LogFolderPath) &&
				b.wantIx.StorageGroup(live.Identity()) == nil {
				return live.Identity()
			}
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
		try = fmt.Sprintf("%s (%s)", name, parts[0])
		if i > 2 {
			try = fmt.Sprintf("%s (%s %d)", name, parts[0], i-1)
		}
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
		args["allow_file_restore"] = "true"
		prev = after(b.add(&providers.Step{
			Verb: providers.VerbCreateDatabase, Address: addr, Identity: dbID, Args: args,
			Reason: fmt.Sprintf("the database object on %s, at the copy's file %s, not mounted", c.Machine, db.EdbFilePath),
			Effect: providers.Reversible,
		}), prev)
	}
	mounted := serving != nil && serving.Health != nil && serving.Health.Mounted
	if !mounted && serving != nil && serving.Health != nil && serving.Health.State == org.StateDirty {
		// A mount cut short: soft recovery first, as for any database.
		if lsg := b.liveIx.StorageGroup(sgID); lsg != nil && lsg.Health != nil && lsg.Health.Usable(serving.Health.LogRequired) {
			prev = after(b.add(&providers.Step{
				Verb: providers.VerbReplayLogs, Address: addr, Identity: dbID, Args: replayArgs(lsg.Health.Prefix, lsg, serving.EdbFilePath),
				Reason: fmt.Sprintf("a mount on %s was cut short (dirty shutdown, generations %s present): soft recovery replays them, losing nothing", c.Machine, serving.Health.LogRequired),
				Effect: providers.Reversible, Estimate: b.estimate(providers.VerbReplayLogs, int64(serving.Health.LogRequired.High-serving.Health.LogRequired.Low+1)),
			}), prev)
		}
	}
	if !mounted {
		if serving == nil || !isTrue(serving.AllowFileRestore) {
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
	if serving == nil || isTrue(serving.AllowFileRestore) {
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
	// it has, and failback is declared, a dismounted standby database is
	// failback under way: not mounted there again.
	adopted := h != nil && h.FileExists && h.Foreign == ""
	back := live != nil && live.Health != nil && live.Health.Mounted && len(live.Health.BadPages) == 0
	// Its users are at home there, whatever follows (no mailbox is made
	// for them in the database they left).
	b.servedOnStandby[db.StorageGroup.Key()] = true
	b.standbyObjects[serving.Identity().Key()], b.standbyObjects[serving.StorageGroup.Key()] = true, true
	b.servingOf[db.Identity().Key()] = serving.Identity()
	if !c.Failback || !adopted && !back {
		before := len(b.steps)
		b.onStandby(db, c, nil, serving)
		if len(b.steps) > before {
			// The activation is not finished: finish it first; failback
			// is for a later plan, once users are back.
			return
		}
	}
	if !c.Failback {
		b.plan.Waiting = append(b.plan.Waiting, Waiting{Address: db.Addr.String(), Identity: db.Identity(),
			Why: fmt.Sprintf("its users are served by %s on the standby %s, where its SCR copy was activated; the way back to %s is a planned outage: declare failback = true in the storage group's standby block, and plan in a maintenance window", serving.Identity(), c.Machine, db.Server())})
		return
	}
	switch {
	case !back && (h == nil || !h.FileExists || len(h.BadPages) > 0 || h.Unreadable != ""):
		b.plan.Waiting = append(b.plan.Waiting, Waiting{Address: db.Addr.String(), Identity: db.Identity(),
			Why: fmt.Sprintf("failback is declared, but %s on %s, which serves its users, is missing or damaged: exdr does not carry a damaged database back; recover it there first", serving.Identity(), c.Machine)})
		return
	}
	if srv := b.liveIx.Server(db.Server()); (srv == nil || srv.Health == nil || !srv.Health.Up) && b.lastStepOf(b.serverAddr(db.Server())) == nil {
		b.plan.Waiting = append(b.plan.Waiting, Waiting{Address: db.Addr.String(), Identity: db.Identity(),
			Why: fmt.Sprintf("failback is declared, but %s does not answer and is not rebuilt by this plan", db.Server())})
		return
	}
	id := db.Identity()
	if back && h.Mounted && b.homedIn(serving.Identity()) > 0 {
		b.plan.Waiting = append(b.plan.Waiting, Waiting{Address: db.Addr.String(), Identity: id,
			Why: fmt.Sprintf("failback is declared, but both %s and %s are mounted while users are homed on the standby: exdr does not choose which holds their newest mail; dismount the one that should not serve, and plan again", id, serving.Identity())})
		return
	}
	var last *providers.Step
	xh := (*org.DatabaseHealth)(nil)
	if live != nil {
		xh = live.Health
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
			}), parent)
		}
		var down *providers.Step
		if h.Mounted {
			down = b.add(&providers.Step{
				Verb: providers.VerbDismount, Address: addr, Identity: serving.Identity(),
				Reason: fmt.Sprintf("failback, the planned outage: %s is dismounted on %s (clean shutdown, nothing lost); its users are offline until %s mounts", serving.Identity(), c.Machine, id),
				Effect: providers.Downtime,
			})
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
		}), allow, down, parent)
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
		after(b.add(&providers.Step{
			Verb: providers.VerbSetDatabase, Address: addr, Identity: id, Args: map[string]string{"allow_file_restore": "false", "kind": "mailbox"},
			Reason: "put \"This database can be overwritten by a restore\" back", Effect: providers.Reversible,
		}), last, parent)
	}
	remove := after(b.add(&providers.Step{
		Verb: providers.VerbRemoveDatabase, Address: addr, Identity: serving.Identity(),
		Args:   map[string]string{"storage_group": string(serving.StorageGroup), "edb_file_path": serving.EdbFilePath, "server": c.Machine},
		Reason: fmt.Sprintf("failback: the standby's database and storage group, now without users, are removed from Active Directory; their files on %s are set aside (kept), which frees the copy's paths", c.Machine),
		Effect: providers.Irreversible,
	}), last, parent)
	b.failedBack[db.StorageGroup.Key()] = remove
	b.standbyObjects[serving.Identity().Key()], b.standbyObjects[serving.StorageGroup.Key()] = true, true
	b.note("%s: failback moves its users back to %s with an outage of about %s (the file's copy back); plan it in a maintenance window.",
		db.Addr, db.Server(), RoundEstimate(b.estimate(providers.VerbRestoreBackup, int64(h.Size))+estimate(providers.VerbMount, 0)))
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
}

// stepGroups are the suffixes of a database's step groups.
var stepGroups = []string{".standby", ".failback", ".dial_tone"}

// UsersBack lists, per database the plan mounts, when its users are
// back: before the plan's end when the rest of the recovery (a rebuild
// no database waits for, a copy's seed) goes on after them.
func (p *Plan) UsersBack() []UsersBack {
	finish := make(map[string]time.Duration, len(p.Steps))
	byAddr := map[string]*UsersBack{}
	var order []string
	for _, s := range p.Steps { // in dependency order
		var start time.Duration
		for _, d := range s.DependsOn {
			start = max(start, finish[d])
		}
		finish[s.ID] = start + s.Estimate
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
	}
	out := make([]UsersBack, 0, len(order))
	for _, a := range order {
		out = append(out, *byAddr[a])
	}
	return out
}
