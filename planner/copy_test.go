package planner

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// withStandby gives SG2 (PF1's group) an SCR copy on MBX03, live and
// healthy: copied through generation 8 of 9, replayed through 6.
func withStandby(d, live *org.Org) {
	d.Servers = append(d.Servers, &org.Server{Addr: addr(org.KindServer, "MBX03"), Name: "MBX03", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise})
	live.Servers = append(live.Servers, &org.Server{Name: "MBX03", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise, Health: &org.ServerHealth{Up: true}})
	d.StorageGroups[1].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.Duration(time.Hour)}
	live.StorageGroups[1].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.Duration(time.Hour),
		Health: &org.CopyHealth{Status: "Healthy", SourceUp: true, SourceNewest: 9, LastCopied: 8, LastReplayed: 6}}
	live.Backups = append(live.Backups, &org.BackupSet{ID: "full-sg2", Type: org.BackupFull, StorageGroup: `MBX01\SG2`,
		Databases: []org.Identity{`MBX01\SG2\PF1`}, Logs: org.LogRange{Low: 1, High: 3}, Covers: 3, Bytes: 4 << 30, Time: time.Date(2026, 11, 24, 22, 0, 0, 0, time.UTC)})
}

func TestStandbyCopies(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(d, live *org.Org)
		opts    Options
		steps   string
		refused string
		golden  bool
	}{
		{name: "healthy", damage: func(*org.Org, *org.Org) {}},
		{name: "not enabled", damage: func(_, l *org.Org) { l.StorageGroups[1].Copy = nil },
			steps: "storage_group.SG2:enable_copy"},
		{name: "failed: seeded again", damage: func(_, l *org.Org) {
			l.StorageGroups[1].Copy.Health.Status, l.StorageGroups[1].Copy.Health.Error = "Failed", "copied log generation 7 is damaged"
		}, steps: "storage_group.SG2:seed_copy"},
		{name: "lag changed: a note", damage: func(d, _ *org.Org) { d.StorageGroups[1].Copy.ReplayLag = org.Duration(2 * time.Hour) }},
		{name: "file lost, source up: activated, nothing lost", damage: func(_, l *org.Org) {
			h := liveDB(l, "PF1").Health
			h.FileExists, h.Mounted = false, false
		}, golden: true,
			steps: "public_folder_database.PF1:activate_copy public_folder_database.PF1:mount storage_group.SG2:seed_copy"},
		{name: "source lost: refused without permission", damage: func(_, l *org.Org) {
			lose(l)
		}, refused: "Recovery would lose data"},
		{name: "source lost, allowed: activated with the copy queue lost", damage: func(_, l *org.Org) {
			lose(l)
		}, opts: Options{AllowDataLoss: true}, golden: true,
			steps: "server.MBX01:create_server storage_group.SG1:create_storage_group mailbox_database.DB1:create_empty_database mailbox_database.DB1:mount " +
				"mailbox_database.DB2:create_empty_database mailbox_database.DB2:mount storage_group.SG2:create_storage_group " +
				"public_folder_database.PF1:activate_copy public_folder_database.PF1:mount storage_group.SG2:seed_copy"},
		{name: "copy machine down: restore instead", damage: func(_, l *org.Org) {
			l.StorageGroups[1].Copy.Health.Status = "ServiceDown"
			h := liveDB(l, "PF1").Health
			h.FileExists, h.Mounted = false, false
		}, steps: "public_folder_database.PF1:allow_file_restore public_folder_database.PF1:restore_backup public_folder_database.PF1:hard_recovery " +
			"public_folder_database.PF1:mount public_folder_database.PF1:set_database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := desiredOrg(), healthyLive()
			withStandby(desired, live)
			tt.damage(desired, live)
			p, diags := New(desired, live, tt.opts)
			if tt.refused != "" {
				if !diags.HasErrors() || diags[0].Summary != tt.refused {
					t.Fatalf("got %v, want %q", diags, tt.refused)
				}
				return
			}
			text := accepted(t, p, diags, tt.steps)
			if tt.golden {
				goldenText(t, "copy_"+strings.NewReplacer(" ", "_", ":", "", ",", "").Replace(tt.name), text)
			}
		})
	}
}

// lose takes MBX01 away whole: disks, logs, databases.
func lose(l *org.Org) {
	l.Servers[0].Health.Up = false
	for _, sg := range l.StorageGroups {
		sg.Health = &org.LogHealth{Prefix: sg.Health.Prefix}
	}
	for _, db := range l.Databases {
		db.Health = &org.DatabaseHealth{}
	}
	ch := l.StorageGroups[1].Copy.Health
	ch.SourceUp = false
}

// A mailbox database whose server is lost, with an SCR copy on a standby
// that answers: with no RTO, or one the rebuild would miss, the copy is
// activated on the standby and mounted there by database portability;
// with an RTO the rebuild meets, it waits for the rebuild, and says why.
func TestStandbyActivation(t *testing.T) {
	tests := []struct {
		name  string
		rto   time.Duration
		down  bool
		steps string
		note  string
	}{
		{name: "no RTO: on the standby",
			steps: "server.MBX01:create_server storage_group.SG1:create_storage_group mailbox_database.DB1:create_empty_database mailbox_database.DB1:mount " +
				"mailbox_database.DB2:create_empty_database mailbox_database.DB2:mount mailbox_database.PF1:activate_copy " +
				"mailbox_database.PF1.standby:create_storage_group mailbox_database.PF1.standby:create_database mailbox_database.PF1.standby:allow_file_restore " +
				"mailbox_database.PF1.standby:mount mailbox_database.PF1.standby:rehome_mailboxes mailbox_database.PF1.standby:set_database storage_group.SG2:create_storage_group"},
		{name: "an RTO the rebuild misses: on the standby", rto: 30 * time.Minute,
			steps: "server.MBX01:create_server storage_group.SG1:create_storage_group mailbox_database.DB1:create_empty_database mailbox_database.DB1:mount " +
				"mailbox_database.DB2:create_empty_database mailbox_database.DB2:mount mailbox_database.PF1:activate_copy " +
				"mailbox_database.PF1.standby:create_storage_group mailbox_database.PF1.standby:create_database mailbox_database.PF1.standby:allow_file_restore " +
				"mailbox_database.PF1.standby:mount mailbox_database.PF1.standby:rehome_mailboxes mailbox_database.PF1.standby:set_database storage_group.SG2:create_storage_group"},
		{name: "an RTO the rebuild meets: waits", rto: 4 * time.Hour, note: "fits the RTO of 4h"},
		{name: "the standby down: waits", down: true, note: "its standby MBX03 does not answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := desiredOrg(), healthyLive()
			withStandby(desired, live)
			pf1AsMailbox(desired, live)
			desired.Objectives.RTO = org.Duration(tt.rto)
			lose(live)
			if tt.down {
				live.Servers[len(live.Servers)-1].Health.Up = false
			}
			p, diags := New(desired, live, Options{AllowDataLoss: true})
			if tt.steps != "" {
				text := accepted(t, p, diags, tt.steps)
				// The time the choice was made on is the time the plan
				// then shows.
				back := p.UsersBack()
				i := slices.IndexFunc(back, func(u UsersBack) bool { return u.Standby })
				if i < 0 || !strings.Contains(text, "users are back in about "+RoundEstimate(back[i].Estimate)+";") {
					t.Errorf("users back %v; the reason does not give the same time:\n%s", back, text)
				}
				goldenText(t, "standby_"+strings.NewReplacer(" ", "_", ":", "").Replace(tt.name), text)
			} else if diags.HasErrors() {
				t.Fatal(diags)
			}
			if tt.note != "" && !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, tt.note) }) {
				t.Errorf("no note %q in %q", tt.note, p.Notes)
			}
			if tt.note != "" && slices.ContainsFunc(p.Steps, func(s *providers.Step) bool { return s.Args["on_standby"] == "true" }) {
				t.Errorf("activated on the standby: %s", ids(p))
			}
		})
	}
}

// afterStandbyActivation is the organization once PF1 (a mailbox
// database here) was activated on its standby MBX03: MBX01 rebuilt
// without the file, MBX03\SG2\PF1 serving alice, the copy ended.
func afterStandbyActivation() (desired, live *org.Org) {
	desired, live = desiredOrg(), healthyLive()
	withStandby(desired, live)
	pf1AsMailbox(desired, live)
	x := liveDB(live, "PF1")
	x.Health = &org.DatabaseHealth{}
	sg2 := live.StorageGroups[1]
	sg2.Copy.Health = &org.CopyHealth{Status: "Failed", Error: "activated on MBX03", ActivatedOn: "MBX03", SourceUp: true}
	live.StorageGroups = append(live.StorageGroups, &org.StorageGroup{Name: "SG2", Server: "MBX03", LogFolderPath: sg2.LogFolderPath, SystemFolderPath: sg2.SystemFolderPath,
		Health: &org.LogHealth{FolderExists: true, Prefix: "E00"}})
	live.Databases = append(live.Databases, &org.Database{Kind: org.MailboxDB, Name: "PF1", StorageGroup: `MBX03\SG2`, EdbFilePath: x.EdbFilePath, Mounted: true,
		Health: &org.DatabaseHealth{FileExists: true, Mounted: true, State: org.StateClean, Size: 1 << 30}})
	live.Mailboxes = append(live.Mailboxes, &org.Mailbox{Name: "alice", Database: `MBX03\SG2\PF1`})
	return desired, live
}

// Once users are served from the standby, later plans leave them there
// until failback is declared, and never say the organization matches;
// with failback declared they plan the way back in its order, and an
// interrupted activation or failback is taken up where it stands.
func TestServedFromStandby(t *testing.T) {
	tests := []struct {
		name    string
		change  func(d, live *org.Org)
		steps   string
		waiting string
		refused string
		golden  bool
	}{
		{name: "no failback declared: waits", change: func(*org.Org, *org.Org) {}, waiting: "declare failback = true"},
		{name: "failback", change: func(d, _ *org.Org) { d.StorageGroups[1].Copy.Failback = true }, golden: true,
			steps: "mailbox_database.PF1.failback:allow_file_restore mailbox_database.PF1.failback:dismount mailbox_database.PF1.failback:place_database " +
				"mailbox_database.PF1:mount mailbox_database.PF1.failback:rehome_mailboxes mailbox_database.PF1.failback:set_database " +
				"mailbox_database.PF1.failback:remove_database storage_group.SG2:enable_copy storage_group.SG2:seed_copy"},
		{name: "failback interrupted after the mount", change: func(d, l *org.Org) {
			d.StorageGroups[1].Copy.Failback = true
			x := liveDB(l, "PF1")
			x.Health = &org.DatabaseHealth{FileExists: true, Mounted: true, State: org.StateDirty}
			x.AllowFileRestore = ptr(true)
			l.Databases[len(l.Databases)-1].Health.Mounted = false
			// Mounted at home with the users still on the standby: which
			// file it holds nothing tells (a stopped failback's copy, or
			// an older one), so the standby's is copied home again (the
			// code review's finding: it re-homed them to an older copy).
		}, steps: "mailbox_database.PF1.failback.home:dismount mailbox_database.PF1.failback:place_database mailbox_database.PF1:mount " +
			"mailbox_database.PF1.failback:rehome_mailboxes mailbox_database.PF1.failback:set_database mailbox_database.PF1.failback:remove_database storage_group.SG2:enable_copy storage_group.SG2:seed_copy"},
		{name: "failback after the users came home: what remains", change: func(d, l *org.Org) {
			d.StorageGroups[1].Copy.Failback = true
			x := liveDB(l, "PF1")
			x.Health = &org.DatabaseHealth{FileExists: true, Mounted: true, State: org.StateDirty}
			x.AllowFileRestore = ptr(true)
			l.Databases[len(l.Databases)-1].Health.Mounted = false
			l.Mailboxes[len(l.Mailboxes)-1].Database = `MBX01\SG2\PF1`
		}, steps: "mailbox_database.PF1.failback:set_database mailbox_database.PF1.failback:remove_database storage_group.SG2:enable_copy storage_group.SG2:seed_copy"},
		{name: "the standby's database unread, failback declared: waits", change: func(d, l *org.Org) {
			d.StorageGroups[1].Copy.Failback = true
			liveDB(l, "PF1").Health = &org.DatabaseHealth{FileExists: true, Mounted: true, State: org.StateDirty}
			l.Mailboxes[len(l.Mailboxes)-1].Database = `MBX01\SG2\PF1`
			l.Databases[len(l.Databases)-1].Health = nil
		}, waiting: "could not be read"},
		{name: "another standby named while served: refused", change: func(d, _ *org.Org) {
			d.Servers = append(d.Servers, &org.Server{Addr: addr(org.KindServer, "MBX04"), Name: "MBX04", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise})
			d.StorageGroups[1].Copy.Machine = "MBX04"
		}, refused: "names another standby for MBX01\\SG2 (MBX04)"},
		{name: "both mounted, users on the standby: waits", change: func(d, l *org.Org) {
			d.StorageGroups[1].Copy.Failback = true
			liveDB(l, "PF1").Health = &org.DatabaseHealth{FileExists: true, Mounted: true, State: org.StateDirty}
		}, waiting: "both"},
		// Found by its folder, not its name: a database renamed in the
		// configuration is still the one its users are on, and no seed
		// sets its files aside (it was: the adversarial review's first
		// finding).
		{name: "renamed while served: waits, no seed", change: func(d, _ *org.Org) {
			for _, db := range d.Databases {
				if db.Name == "PF1" {
					db.Name = "Mail1"
				}
			}
		}, waiting: "declare failback = true"},
		{name: "standby block removed while served: refused", change: func(d, _ *org.Org) { d.StorageGroups[1].Copy = nil },
			refused: "Users served from a standby the configuration no longer declares"},
		{name: "failback dropped after the mount at home: waits", change: func(_, l *org.Org) {
			x := liveDB(l, "PF1")
			x.Health = &org.DatabaseHealth{FileExists: true, Mounted: true, State: org.StateDirty}
			l.Databases[len(l.Databases)-1].Health.Mounted = false
			l.Mailboxes[len(l.Mailboxes)-1].Database = `MBX01\SG2\PF1`
		}, waiting: "began"},
		{name: "the standby's database lost: refused", change: func(_, l *org.Org) {
			l.Databases[len(l.Databases)-1].Health = &org.DatabaseHealth{}
		}, refused: "The database serving on the standby is lost"},
		{name: "the standby down: waits for it", change: func(_, l *org.Org) {
			for _, srv := range l.Servers {
				if srv.Name == "MBX03" {
					srv.Health.Up = false
				}
			}
			l.Databases[len(l.Databases)-1].Health = &org.DatabaseHealth{}
		}, steps: "server.MBX03:create_server", waiting: "cannot be reached"},
		{name: "the standby's database damaged: refused", change: func(_, l *org.Org) {
			l.Databases[len(l.Databases)-1].Health.BadPages = []uint32{3}
		}, refused: "page 3 fails"},
		{name: "standby crashed, failback: soft recovery first", change: func(d, l *org.Org) {
			d.StorageGroups[1].Copy.Failback = true
			y := l.Databases[len(l.Databases)-1]
			y.Health.Mounted, y.Health.State, y.Health.LogRequired = false, org.StateDirty, org.LogRange{Low: 4, High: 5}
			l.StorageGroups[len(l.StorageGroups)-1].Health.OnDisk = org.LogRange{Low: 1, High: 5}
		}, steps: "mailbox_database.PF1.failback:allow_file_restore mailbox_database.PF1.failback:replay_logs mailbox_database.PF1.failback:place_database " +
			"mailbox_database.PF1:mount mailbox_database.PF1.failback:rehome_mailboxes mailbox_database.PF1.failback:set_database " +
			"mailbox_database.PF1.failback:remove_database storage_group.SG2:enable_copy storage_group.SG2:seed_copy"},
		// A standby whose store crashed: soft recovery, the mount, and
		// the restore flag put back in the same plan (it took two).
		{name: "standby crashed, no failback: recovered and mounted there", change: func(_, l *org.Org) {
			y := l.Databases[len(l.Databases)-1]
			y.Health.Mounted, y.Health.State, y.Health.LogRequired = false, org.StateDirty, org.LogRange{Low: 4, High: 5}
			l.StorageGroups[len(l.StorageGroups)-1].Health.OnDisk = org.LogRange{Low: 1, High: 5}
		}, steps: "mailbox_database.PF1.standby:replay_logs mailbox_database.PF1.standby:allow_file_restore mailbox_database.PF1.standby:mount mailbox_database.PF1.standby:set_database"},
		{name: "activation interrupted before the mount", change: func(_, l *org.Org) {
			y := l.Databases[len(l.Databases)-1]
			y.Health.Mounted, y.AllowFileRestore = false, ptr(true)
			y.Health.Foreign, y.Health.BadPages = `MBX01\SG2\PF1`, []uint32{0} // the copy's file, not yet taken
			l.Mailboxes[len(l.Mailboxes)-1].Database = `MBX01\SG2\PF1`
		}, steps: "mailbox_database.PF1.standby:mount mailbox_database.PF1.standby:rehome_mailboxes mailbox_database.PF1.standby:set_database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := afterStandbyActivation()
			tt.change(desired, live)
			p, diags := New(desired, live, Options{})
			if tt.refused != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.refused) {
					t.Fatalf("diagnostics %v, want one saying %q", diags, tt.refused)
				}
				return
			}
			text := accepted(t, p, diags, tt.steps)
			if tt.golden {
				goldenText(t, "standby_"+strings.ReplaceAll(tt.name, " ", "_"), text)
			}
			for _, u := range p.Unmanaged {
				if strings.HasPrefix(string(u.Identity), `MBX03\SG2`) {
					t.Errorf("the standby's activated database is listed as unmanaged: %v", u)
				}
			}
			switch {
			case tt.waiting != "" && (len(p.Waiting) != 1 || !strings.Contains(p.Waiting[0].Why, tt.waiting)):
				t.Errorf("waiting %v, want one saying %q", p.Waiting, tt.waiting)
			case tt.waiting == "" && len(p.Waiting) > 0:
				t.Errorf("waiting %v", p.Waiting)
			case tt.waiting != "" && (strings.Contains(text, "matches the configuration") || tt.steps == "" && !strings.Contains(text, "No changes planned.")):
				t.Errorf("a plan with a database waiting says:\n%s", text)
			}
		})
	}
}

// pf1AsMailbox makes PF1 a mailbox database: only those are portable,
// and so activated on a standby.
func pf1AsMailbox(orgs ...*org.Org) {
	for _, o := range orgs {
		for _, db := range o.Databases {
			if db.Name == "PF1" {
				db.Kind = org.MailboxDB
				db.Addr = addr(org.KindMailboxDatabase, "PF1")
			}
		}
	}
}

// A seed sets aside what stands at the copy's paths: a database there
// outside the configuration refuses it rather than lose its files.
func TestSeedNeverOverADatabaseAtTheCopysPaths(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withStandby(desired, live)
	live.StorageGroups[1].Copy = nil // not enabled: the plan would enable and seed it
	pf1 := liveDB(live, "PF1")
	live.StorageGroups = append(live.StorageGroups, &org.StorageGroup{Name: "Other", Server: "MBX03", LogFolderPath: `L:\Other`, SystemFolderPath: `L:\Other`,
		Health: &org.LogHealth{FolderExists: true, Prefix: "E00"}})
	live.Databases = append(live.Databases, &org.Database{Kind: org.MailboxDB, Name: "Kept", StorageGroup: `MBX03\Other`, EdbFilePath: pf1.EdbFilePath, Mounted: true,
		Health: &org.DatabaseHealth{FileExists: true, Mounted: true, State: org.StateClean}})
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Standby copy paths in use") || !strings.Contains(diags.Error(), `MBX03\Other\Kept`) {
		t.Fatalf("diagnostics %v", diags)
	}
}

// Failback declared while the home server is still down: the users'
// outage (the dismount on the standby) waits for home to be rebuilt.
func TestFailbackOutageWaitsForHome(t *testing.T) {
	desired, live := afterStandbyActivation()
	desired.StorageGroups[1].Copy.Failback = true
	live.Servers[0].Health.Up = false
	for _, sg := range live.StorageGroups[:2] {
		sg.Health = &org.LogHealth{Prefix: sg.Health.Prefix}
	}
	p, diags := New(desired, live, Options{AllowDataLoss: true})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	byID := map[string]*providers.Step{}
	for _, s := range p.Steps {
		byID[s.ID] = s
	}
	var waitsFor func(s *providers.Step, id string) bool
	waitsFor = func(s *providers.Step, id string) bool {
		for _, d := range s.DependsOn {
			if d == id || waitsFor(byID[d], id) {
				return true
			}
		}
		return false
	}
	down := byID["mailbox_database.PF1.failback:dismount"]
	if down == nil || !waitsFor(down, "server.MBX01:create_server") {
		t.Fatalf("the dismount does not wait for MBX01's rebuild: %s", ids(p))
	}
}

// A server whose disks survive is rebuilt onto them, losing nothing;
// when that misses the RTO, the plan says what the standby could do and
// at what cost, and does not do it.
func TestStandbyOptionNotedWhenTheDisksSurvive(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withStandby(desired, live)
	pf1AsMailbox(desired, live)
	desired.Objectives.RTO = org.Duration(15 * time.Minute)
	live.Servers[0].Health.Up, live.Servers[0].Health.DisksSurvive = false, true
	live.StorageGroups[1].Copy.Health.SourceUp = false
	p, diags := New(desired, live, Options{AllowDataLoss: true})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if !slices.ContainsFunc(p.Notes, func(n string) bool {
		return strings.Contains(n, "mailbox_database.PF1: its users wait for MBX01's rebuild") && strings.Contains(n, "Restore-StorageGroupCopy -Identity 'MBX01\\SG2' -StandbyMachine 'MBX03' -Force")
	}) {
		t.Errorf("notes %q", p.Notes)
	}
	if slices.ContainsFunc(p.Steps, func(s *providers.Step) bool { return s.Args["on_standby"] == "true" }) {
		t.Errorf("activated on the standby with the disks surviving: %s", ids(p))
	}
}

// The storage group made on a standby keeps within Exchange's 64
// characters when the source's name is taken there and gets a suffix.
func TestStandbyGroupNameFits(t *testing.T) {
	for _, tt := range []struct{ name, suffix, want string }{
		{"SG1", " (MBX01)", "SG1 (MBX01)"},
		{strings.Repeat("S", 64), " (MBX01)", strings.Repeat("S", 56) + " (MBX01)"},
		{strings.Repeat("’", 63) + " x", " (MBX01 2)", strings.Repeat("’", 54) + " (MBX01 2)"},
	} {
		got := fitName(tt.name, tt.suffix)
		if got != tt.want || utf8.RuneCountInString(got) > 64 {
			t.Errorf("fitName(%q, %q) = %q (%d characters), want %q", tt.name, tt.suffix, got, utf8.RuneCountInString(got), tt.want)
		}
	}
}

// A mailbox declared while failback takes its database's users home is
// made at home, after them, not in the standby's database the failback
// removes.
func TestMailboxDeclaredDuringFailbackIsMadeAtHome(t *testing.T) {
	desired, live := afterStandbyActivation()
	desired.StorageGroups[1].Copy.Failback = true
	desired.Mailboxes = append(desired.Mailboxes, &org.Mailbox{Addr: addr(org.KindMailbox, "carol"), Name: "carol", Owner: `CONTOSO\carol`, Database: `MBX01\SG2\PF1`},
		&org.Mailbox{Addr: addr(org.KindMailbox, "alice"), Name: "alice", Owner: `CONTOSO\alice`, Database: `MBX01\SG2\PF1`})
	live.Mailboxes[len(live.Mailboxes)-1].Health = &org.MailboxHealth{InDirectory: true, InStore: true}
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if s := p.Step("mailbox.alice:create_mailbox"); s != nil {
		t.Errorf("alice, on the standby until the failback re-homes her, is made again: %+v", s)
	}
	s := p.Step("mailbox.carol:create_mailbox")
	if s == nil || s.Identity != `MBX01\SG2\PF1` || !slices.Contains(s.DependsOn, "mailbox_database.PF1.failback:remove_database") {
		t.Fatalf("create_mailbox: %+v (steps %s)", s, ids(p))
	}
}

// A failback stopped after the standby's database was removed: nothing
// serves on the standby, and the copy, ended by its activation, is
// enabled again before its seed (it was seeded only, which Exchange
// refuses for a copy it no longer has).
func TestCopyActivatedOnAStandbyNothingServesIsEnabledAgain(t *testing.T) {
	desired, live := afterStandbyActivation()
	desired.StorageGroups[1].Copy.Failback = true
	live.StorageGroups = live.StorageGroups[:len(live.StorageGroups)-1]
	live.Databases = live.Databases[:len(live.Databases)-1]
	x := liveDB(live, "PF1")
	x.Health = &org.DatabaseHealth{FileExists: true, Mounted: true, State: org.StateDirty}
	live.Mailboxes[len(live.Mailboxes)-1].Database = `MBX01\SG2\PF1`
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := ids(p); got != "storage_group.SG2:enable_copy storage_group.SG2:seed_copy" {
		t.Errorf("steps %s", got)
	}
}

// -target leaves out what waits elsewhere, as it leaves out other
// resources' notes; the targeted database keeps its own.
func TestTargetKeepsOnlyItsOwnWaiting(t *testing.T) {
	desired, live := afterStandbyActivation()
	p, diags := New(desired, live, Options{Targets: []string{"mailbox_database.DB1"}})
	if diags.HasErrors() || len(p.Waiting) != 0 {
		t.Errorf("targeting DB1: waiting %v, diagnostics %v", p.Waiting, diags)
	}
	p, diags = New(desired, live, Options{Targets: []string{"mailbox_database.PF1"}})
	if diags.HasErrors() || len(p.Waiting) != 1 {
		t.Errorf("targeting PF1: waiting %v, diagnostics %v", p.Waiting, diags)
	}
}
