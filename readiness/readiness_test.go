package readiness

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/org"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// ready is an organization that passes every check: backed up an hour
// ago (RPO 2h), logs kept, retention as declared, room to restore.
func ready() (desired, live *org.Org) {
	day := org.Duration(org.Day)
	desired = &org.Org{
		Name:       "Contoso",
		Objectives: org.Objectives{RPO: org.Duration(2 * time.Hour)},
		Servers:    []*org.Server{{Addr: org.Address{Kind: org.KindServer, Name: "MBX01"}, Name: "MBX01", Roles: org.Roles(org.RoleMailbox)}},
		StorageGroups: []*org.StorageGroup{
			{Addr: org.Address{Kind: org.KindStorageGroup, Name: "SG1"}, Name: "SG1", Server: "MBX01"},
			{Addr: org.Address{Kind: org.KindStorageGroup, Name: "EMPTY"}, Name: "EMPTY", Server: "MBX01", CircularLogging: true},
		},
		Databases: []*org.Database{{Addr: org.Address{Kind: org.KindMailboxDatabase, Name: "DB1"}, Kind: org.MailboxDB, Name: "DB1",
			StorageGroup: `MBX01\SG1`, EdbFilePath: `E:\SG1\DB1.edb`, DeletedItemRetention: ptr(14 * day), MailboxRetention: ptr(30 * day)}},
	}
	live = &org.Org{
		Name: "Contoso", Now: now,
		Servers:       []*org.Server{{Name: "MBX01", Roles: org.Roles(org.RoleMailbox), Health: &org.ServerHealth{Up: true, Free: map[string]org.Size{"E": 10 * org.GigaByte}}}},
		StorageGroups: []*org.StorageGroup{{Name: "SG1", Server: "MBX01"}, {Name: "EMPTY", Server: "MBX01", CircularLogging: true}},
		Databases: []*org.Database{{Kind: org.MailboxDB, Name: "DB1", StorageGroup: `MBX01\SG1`, EdbFilePath: `E:\SG1\DB1.edb`,
			DeletedItemRetention: ptr(14 * day), MailboxRetention: ptr(30 * day), Health: &org.DatabaseHealth{FileExists: true, Size: 2 * org.GigaByte, LastFull: now.Add(-time.Hour)}}},
		Backups: []*org.BackupSet{{ID: "full", Type: org.BackupFull, Time: now.Add(-time.Hour), StorageGroup: `MBX01\SG1`, Databases: []org.Identity{`MBX01\SG1\DB1`}, Covers: 3, Bytes: int64(2 * org.GigaByte)}},
	}
	return desired, live
}

func alice() *org.Mailbox {
	return &org.Mailbox{Addr: org.Address{Kind: org.KindMailbox, Name: "alice"}, Name: "alice", Owner: `CONTOSO\alice`, Database: `MBX01\SG1\DB1`}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(desired, live *org.Org)
		rules  []string
		says   string
	}{
		{"ready", func(_, _ *org.Org) {}, nil, ""},
		{"no backup", func(_, l *org.Org) { l.Backups = nil }, []string{"backup_missing"}, "no usable backup"},
		// Through the Exchange shell, a mounted database's stamps are not
		// read: unknown is not "missing" (it said backup_missing).
		{"stamps of a mounted database unread", func(_, l *org.Org) { l.Backups = nil; l.Databases[0].Health.StampsUnread = true },
			[]string{"backup_unverified"}, "the store records a full backup at 2026-11-25 11:00Z"},
		{"stamps unread, and the store records no full backup", func(_, l *org.Org) {
			l.Backups = nil
			l.Databases[0].Health.StampsUnread, l.Databases[0].Health.LastFull = true, time.Time{}
		}, []string{"backup_missing"}, "no usable backup"},
		{"database unreadable", func(_, l *org.Org) {
			l.Backups = nil
			l.Databases[0].Health = &org.DatabaseHealth{Unreadable: "MBX01 does not answer"}
		}, []string{"database_unreadable"}, "exdr could not read it (MBX01 does not answer)"},
		{"only a damaged backup", func(_, l *org.Org) { l.Backups[0].Damaged = "a file fails its SHA-256" }, []string{"backup_missing"}, "passed over: full backup full: a file fails its SHA-256"},
		{"a backup taken before the database existed", func(_, l *org.Org) { l.Backups[0].Databases = nil }, []string{"backup_missing"}, "no usable backup holds it"},
		{"an incremental whose full is damaged", func(_, l *org.Org) {
			l.Backups[0].Damaged = "missing"
			l.Backups = append(l.Backups, &org.BackupSet{ID: "inc", Type: org.BackupIncremental, Time: now.Add(-30 * time.Minute), StorageGroup: `MBX01\SG1`, Base: "full", Covers: 5})
		}, []string{"backup_missing"}, ""},
		{"backup older than the RPO", func(_, l *org.Org) { l.Backups[0].Time = now.Add(-26 * time.Hour) }, []string{"backup_too_old"}, "(full) is 1.02:00:00 old"},
		{"a newer incremental counts", func(_, l *org.Org) {
			l.Backups[0].Time = now.Add(-26 * time.Hour)
			l.Backups = append(l.Backups, &org.BackupSet{ID: "inc", Type: org.BackupIncremental, Time: now.Add(-30 * time.Minute), StorageGroup: `MBX01\SG1`, Base: "full", Covers: 5})
		}, nil, ""},
		{"circular logging", func(_, l *org.Org) { l.StorageGroups[0].CircularLogging = true }, []string{"circular_logging"}, "cannot roll forward"},
		{"a public folder with one replica", func(_, l *org.Org) {
			l.Databases[0].Health.PublicFolders = &org.PublicFolderStore{Hierarchy: []*org.PublicFolder{
				{Path: `\Archive`, Replicas: []org.Identity{`MBX01\SG1\DB1`}},
				{Path: `\Calendars`, Replicas: []org.Identity{`MBX01\SG1\DB1`, `MBX02\PF\PF2`}},
			}}
		}, []string{"public_folder_replica"}, `public folder \Archive has one replica, here`},
		{"the newer hierarchy entry counts", func(_, l *org.Org) {
			l.Databases[0].Health.PublicFolders = &org.PublicFolderStore{Hierarchy: []*org.PublicFolder{
				{Path: `\Archive`, Replicas: []org.Identity{`MBX01\SG1\DB1`}, Changed: now.Add(-time.Hour)},
			}}
			l.Databases = append(l.Databases, &org.Database{Kind: org.PublicFolderDB, Name: "PF2", StorageGroup: `MBX02\PF`, Health: &org.DatabaseHealth{
				PublicFolders: &org.PublicFolderStore{Hierarchy: []*org.PublicFolder{
					{Path: `\ARCHIVE`, Replicas: []org.Identity{`MBX01\SG1\DB1`, `MBX02\PF\PF2`}, Changed: now},
				}}}})
		}, nil, ""},
		// After a restore onto a rebuilt server the stream starts again
		// past a gap: the plan says to take a full backup, so must check.
		{"the log stream restarted after the backup", func(_, l *org.Org) {
			l.StorageGroups[0].Health = &org.LogHealth{FolderExists: true, OnDisk: org.LogRange{Low: 9, High: 12}, Checkpoint: 12}
		}, []string{"backup_cannot_roll_forward"}, "rolls forward only to log generation 3: generation 4 is missing"},
		{"a damaged generation after the backup", func(_, l *org.Org) {
			l.StorageGroups[0].Health = &org.LogHealth{FolderExists: true, OnDisk: org.LogRange{Low: 1, High: 8}, Corrupt: []uint32{6}, Checkpoint: 8}
		}, []string{"backup_cannot_roll_forward"}, "generation 6 fails its checksums"},
		// The whole log folder gone is more than one generation missing:
		// check said nothing of it (adversarial review).
		{"the log folder is gone", func(_, l *org.Org) {
			l.StorageGroups[0].Health = &org.LogHealth{}
		}, []string{"backup_cannot_roll_forward"}, "rolls forward only to log generation 3: the log folder is gone"},
		// Nothing is known of the folder (its server did not answer the
		// read): not reported as gone.
		{"the log folder unread", func(_, l *org.Org) { l.StorageGroups[0].Health = nil }, nil, ""},
		// Just over the objective: the age shown is over it too (it
		// read "is 02:00:00 old ... the recovery point objective is
		// 02:00:00").
		{"backup just over the RPO", func(_, l *org.Org) { l.Backups[0].Time = now.Add(-2*time.Hour - 50*time.Millisecond) }, []string{"backup_too_old"}, "(full) is 02:00:01 old"},
		// An empty database mounted in place of a lost one, then backed
		// up: its history is only in the earlier backup (check said
		// Ready; adversarial review).
		{"an empty database mounted by hand, then backed up", func(_, l *org.Org) {
			l.Databases[0].Health.Created = now.Add(-30 * time.Minute)
			l.Backups = append(l.Backups, &org.BackupSet{ID: "nightly", Type: org.BackupFull, Time: now.Add(-10 * time.Minute), StorageGroup: `MBX01\SG1`, Databases: []org.Identity{`MBX01\SG1\DB1`}, Covers: 5, Bytes: int64(org.GigaByte)})
		}, []string{"history_in_backups"}, "its history is in that backup, not in the file"},
		{"a database made before its backups", func(_, l *org.Org) { l.Databases[0].Health.Created = now.Add(-48 * time.Hour) }, nil, ""},
		{"restored since the newest full", func(_, l *org.Org) {
			l.Databases[0].Health.LastFull = now.Add(-30 * 24 * time.Hour)
		}, []string{"backup_before_restore"}, "it was restored since its newest full backup (full, "},
		{"logs that continue the backup", func(_, l *org.Org) {
			l.StorageGroups[0].Health = &org.LogHealth{FolderExists: true, OnDisk: org.LogRange{Low: 2, High: 8}, Checkpoint: 8}
		}, nil, ""},
		{"retention drift", func(_, l *org.Org) { l.Databases[0].DeletedItemRetention = ptr(org.Duration(7 * org.Day)) }, []string{"retention_drift"}, "deleted_item_retention is 7.00:00:00, the configuration says 14.00:00:00"},
		{"retention left to Exchange", func(d, l *org.Org) {
			d.Databases[0].MailboxRetention = nil
			l.Databases[0].MailboxRetention = ptr(org.Duration(org.Day))
		}, nil, ""},
		// A mailbox's own retention, as the planner's Set-Mailbox
		// compares it: check said Ready while plan had a Set-Mailbox to
		// do and the lab clock purged items the configuration keeps
		// (adversarial review).
		{"mailbox retention drift", func(d, l *org.Org) {
			d.Mailboxes = []*org.Mailbox{alice()}
			d.Mailboxes[0].UseDatabaseRetentionDefaults, d.Mailboxes[0].RetainDeletedItemsFor = ptr(false), ptr(org.Duration(60*org.Day))
			l.Mailboxes = []*org.Mailbox{{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InDirectory: true, InStore: true}}}
		}, []string{"retention_drift"}, "mailbox alice: use_database_retention_defaults is true, the configuration says false; retain_deleted_items_for is not set, the configuration says 60.00:00:00"},
		{"mailbox retention as configured", func(d, l *org.Org) {
			d.Mailboxes = []*org.Mailbox{alice()}
			d.Mailboxes[0].UseDatabaseRetentionDefaults, d.Mailboxes[0].RetainDeletedItemsFor = ptr(false), ptr(org.Duration(60*org.Day))
			l.Mailboxes = []*org.Mailbox{{Name: "alice", Database: `MBX01\SG1\DB1`, UseDatabaseRetentionDefaults: ptr(false), RetainDeletedItemsFor: ptr(org.Duration(60 * org.Day)),
				Health: &org.MailboxHealth{InDirectory: true, InStore: true}}}
		}, nil, ""},
		// A configured mailbox disconnected is purged, with every item,
		// at the end of the mailbox retention: check said Ready the day
		// before (adversarial review).
		{"mailbox disconnected", func(d, l *org.Org) {
			d.Mailboxes = []*org.Mailbox{alice()}
			l.Mailboxes = []*org.Mailbox{{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InStore: true, Disconnected: now.Add(-29 * 24 * time.Hour)}}}
		}, []string{"mailbox_disconnected"}, "disconnected since 2026-10-27 12:00Z: the store purges it, with every item, at 2026-11-26 12:00Z, in 1.00:00:00 (mailbox_retention 30.00:00:00)"},
		{"mailbox whose account is gone", func(d, l *org.Org) {
			d.Mailboxes = []*org.Mailbox{alice()}
			l.Mailboxes = []*org.Mailbox{{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InStore: true}}}
		}, []string{"mailbox_disconnected"}, "its directory object is gone"},
		{"leftover recovery group", func(_, l *org.Org) {
			l.RecoveryStorageGroups = []*org.RecoveryStorageGroup{{Name: "Recovery Storage Group", Server: "MBX01"}}
		}, []string{"leftover_recovery_group"}, "MBX01's one recovery slot"},
		{"declared recovery group", func(d, l *org.Org) {
			l.RecoveryStorageGroups = []*org.RecoveryStorageGroup{{Name: "RSG", Server: "MBX01"}}
			d.RecoveryStorageGroups = []*org.RecoveryStorageGroup{{Name: "RSG", Server: "MBX01"}}
		}, nil, ""},
		{"no room to restore", func(_, l *org.Org) { l.Servers[0].Health.Free["E"] = org.GigaByte }, []string{"restore_space"}, "free at least"},
		// The plan needs room for the whole chain, logs too, as the
		// planner measures it: check passed with room for the file
		// alone, then the plan refused the restore (adversarial review).
		// A restore copies its own database's file and the logs, not the
		// group's other databases' (check and plan asked room for all).
		{"room for its own file, not the group's other database", func(_, l *org.Org) {
			l.Backups[0].Bytes = int64(12 * org.GigaByte)
			l.Backups[0].DatabaseBytes = map[org.Identity]int64{`MBX01\SG1\DB1`: int64(2 * org.GigaByte), `MBX01\SG1\DB9`: int64(9 * org.GigaByte)}
			l.Backups[0].LogBytes = int64(org.GigaByte)
		}, nil, ""},
		{"room for the file, not for the chain's logs", func(_, l *org.Org) { l.Backups[0].Bytes = int64(11 * org.GigaByte) }, []string{"restore_space"},
			"the restore of its newest backup chain (full), the database file and the chain's logs, needs 11GB on E: of MBX01, and 10GB is free"},
		{"edge export missing", func(d, _ *org.Org) {
			d.Servers = append(d.Servers, &org.Server{Addr: org.Address{Kind: org.KindServer, Name: "EDGE01"}, Name: "EDGE01",
				Edge: &org.EdgeSettings{ClonedConfig: "edge/EDGE01.xml", Missing: true}})
		}, []string{"edge_export"}, "does not exist"},
		{"edge changed since its export", func(d, l *org.Org) {
			d.Servers = append(d.Servers, &org.Server{Addr: org.Address{Kind: org.KindServer, Name: "EDGE01"}, Name: "EDGE01", Edge: &org.EdgeSettings{ClonedConfig: "edge/EDGE01.xml", ConfigHash: "a"}})
			l.Servers = append(l.Servers, &org.Server{Name: "EDGE01", Edge: &org.EdgeSettings{ConfigHash: "b"}})
		}, []string{"edge_export"}, "changed since"},
		{"standby copy missing", func(d, _ *org.Org) {
			d.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.DefaultReplayLag}
		}, []string{"standby_copy"}, "there is none"},
		{"standby copy healthy", func(d, l *org.Org) {
			d.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.DefaultReplayLag}
			l.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", Health: &org.CopyHealth{Status: "Healthy", SourceUp: true, SourceNewest: 9, LastCopied: 8, LastReplayed: 5}}
		}, nil, ""},
		{"standby copy failed", func(d, l *org.Org) {
			d.StorageGroups[0].Copy = &org.StandbyCopy{Local: true, Path: `F:\LCR`}
			l.StorageGroups[0].Copy = &org.StandbyCopy{Local: true, Path: `F:\LCR`, Health: &org.CopyHealth{Status: "Failed", Error: "copied log generation 4 is damaged"}}
		}, []string{"standby_copy"}, "LCR copy is Failed: copied log generation 4 is damaged"},
		// Activated on its standby: no seed fixes it, failback does
		// (it said "run exdr plan: it seeds the copy again").
		{"SCR copy activated on its standby", func(d, l *org.Org) {
			d.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.DefaultReplayLag}
			l.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", Health: &org.CopyHealth{Status: "Failed", ActivatedOn: "MBX03", Error: "activated on MBX03"}}
		}, []string{"standby_copy"}, "declare failback = true"},
		{"standby copy not copying", func(d, l *org.Org) {
			d.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.DefaultReplayLag}
			l.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", Health: &org.CopyHealth{Status: "Healthy", SourceUp: true, SourceNewest: 9, LastCopied: 4, LastReplayed: 4}}
		}, []string{"standby_copy"}, "lacks 4 closed log generations"},
		{"standby copy one closed generation short", func(d, l *org.Org) {
			d.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.DefaultReplayLag}
			l.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", Health: &org.CopyHealth{Status: "Healthy", SourceUp: true, SourceNewest: 9, LastCopied: 7, LastReplayed: 4}}
		}, []string{"standby_copy"}, "lacks 1 closed log generation of the source (copy queue 2): losing MBX01 now loses it"},
		{"standby copy one generation behind its lag", func(d, l *org.Org) {
			d.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.DefaultReplayLag}
			l.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", Health: &org.CopyHealth{Status: "Healthy", SourceUp: true, SourceNewest: 9, LastCopied: 8, LastReplayed: 2, ReplayBehind: 1}}
		}, []string{"standby_copy"}, "1 copied generation older than that waits to be replayed find why the copy is not replaying (Get-StorageGroupCopyStatus shows the error); activation would have to replay it first"},
		{"standby copy behind its lag", func(d, l *org.Org) {
			d.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.DefaultReplayLag}
			l.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", Health: &org.CopyHealth{Status: "Healthy", SourceUp: true, SourceNewest: 9, LastCopied: 8, LastReplayed: 2, ReplayBehind: 3}}
		}, []string{"standby_copy"}, "behind its replay lag (1.00:00:00)"},
		{"standby copy of a database since restored", func(d, l *org.Org) {
			d.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", ReplayLag: org.DefaultReplayLag}
			l.StorageGroups[0].Copy = &org.StandbyCopy{Machine: "MBX03", Health: &org.CopyHealth{Status: "Healthy", Stale: []org.Identity{`MBX01\SG1\DB1`}}}
		}, []string{"standby_copy"}, "since restored or repaired"},
		{"edge as exported", func(d, l *org.Org) {
			d.Servers = append(d.Servers, &org.Server{Addr: org.Address{Kind: org.KindServer, Name: "EDGE01"}, Name: "EDGE01", Edge: &org.EdgeSettings{ClonedConfig: "edge/EDGE01.xml", ConfigHash: "a"}})
			l.Servers = append(l.Servers, &org.Server{Name: "EDGE01", Edge: &org.EdgeSettings{ConfigHash: "a"}})
		}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, l := ready()
			tt.change(d, l)
			got := Check(d, l)
			var rules []string
			for _, f := range got {
				rules = append(rules, f.Rule)
				if !slices.Contains(Rules, f.Rule) {
					t.Errorf("rule %q is not listed in Rules", f.Rule)
				}
				if f.Fix == "" {
					t.Errorf("%s: no fix given", f.Rule)
				}
			}
			if !slices.Equal(rules, tt.rules) {
				t.Fatalf("rules %v, want %v; findings: %+v", rules, tt.rules, got)
			}
			if tt.says != "" && !strings.Contains(got[0].Message+" "+got[0].Fix, tt.says) {
				t.Errorf("%q does not say %q", got[0].Message+" "+got[0].Fix, tt.says)
			}
		})
	}
}

func TestRenderings(t *testing.T) {
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden"))
	d, l := ready()
	d.StorageGroups[0].Decl.Range = hcl.Range{Filename: "storage.exdr.hcl", Start: hcl.Pos{Line: 3, Column: 1}}
	d.Databases[0].Decl.Range = hcl.Range{Filename: "storage.exdr.hcl", Start: hcl.Pos{Line: 9, Column: 1}}
	l.Backups[0].Time = now.Add(-26 * time.Hour)
	l.StorageGroups[0].CircularLogging = true
	l.RecoveryStorageGroups = []*org.RecoveryStorageGroup{{Name: "Recovery Storage Group", Server: "MBX01"}}
	// examples/standby_copies two hours after its backup: an old backup
	// beside an SCR copy and an LCR copy.
	sd, sl := standby()
	sd.Databases[0].Decl.Range = hcl.Range{Filename: "storage.exdr.hcl", Start: hcl.Pos{Line: 16, Column: 1}}
	sd.Databases[1].Decl.Range = hcl.Range{Filename: "storage.exdr.hcl", Start: hcl.Pos{Line: 32, Column: 1}}
	for name, findings := range map[string][]Finding{"ready": nil, "not_ready": Check(d, l), "standby_copies": Check(sd, sl)} {
		var text, js bytes.Buffer
		if err := WriteText(&text, findings); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(&js, findings); err != nil {
			t.Fatal(err)
		}
		g.Assert(t, name+".txt", text.Bytes())
		g.Assert(t, name+".json", js.Bytes())
	}
}

// standby is examples/standby_copies two hours after its backup (RPO
// 15m): SG1 keeps an SCR copy on MBX02, SG2 an LCR copy on MBX01's F:,
// both healthy and keeping up.
func standby() (desired, live *org.Org) {
	desired, live = ready()
	desired.Objectives.RPO = org.Duration(15 * time.Minute)
	desired.StorageGroups = []*org.StorageGroup{
		{Addr: org.Address{Kind: org.KindStorageGroup, Name: "SG1"}, Name: "SG1", Server: "MBX01", Copy: &org.StandbyCopy{Machine: "MBX02", ReplayLag: org.Duration(time.Hour)}},
		{Addr: org.Address{Kind: org.KindStorageGroup, Name: "SG2"}, Name: "SG2", Server: "MBX01", Copy: &org.StandbyCopy{Local: true, Path: `F:\LCR\SG2`}},
	}
	db2 := *desired.Databases[0]
	db2.Addr.Name, db2.Name, db2.StorageGroup, db2.EdbFilePath = "DB2", "DB2", `MBX01\SG2`, `E:\SG2\DB2.edb`
	desired.Databases = append(desired.Databases, &db2)
	healthy := &org.CopyHealth{Status: "Healthy", SourceUp: true, SourceNewest: 9, LastCopied: 8, LastReplayed: 6}
	live.StorageGroups = []*org.StorageGroup{
		{Name: "SG1", Server: "MBX01", Copy: &org.StandbyCopy{Machine: "MBX02", Health: healthy}},
		{Name: "SG2", Server: "MBX01", Copy: &org.StandbyCopy{Local: true, Path: `F:\LCR\SG2`, Health: healthy}},
	}
	live2 := *live.Databases[0]
	live2.Name, live2.StorageGroup, live2.EdbFilePath = "DB2", `MBX01\SG2`, `E:\SG2\DB2.edb`
	live.Databases = append(live.Databases, &live2)
	live.Backups = []*org.BackupSet{
		{ID: "full1", Type: org.BackupFull, Time: now.Add(-2 * time.Hour), StorageGroup: `MBX01\SG1`, Databases: []org.Identity{`MBX01\SG1\DB1`}, Covers: 3},
		{ID: "full2", Type: org.BackupFull, Time: now.Add(-2 * time.Hour), StorageGroup: `MBX01\SG2`, Databases: []org.Identity{`MBX01\SG2\DB2`}, Covers: 3},
	}
	return desired, live
}

// A healthy SCR copy does not make an old backup fine (a logical
// corruption is copied and replayed too), but the advice never asks for
// the copy the configuration keeps: it says what the copy covers and
// what it does not. An LCR copy is on the server itself: the advice to
// keep the logs on another server stands, as SCR in its place (exdr
// keeps one copy per storage group).
func TestBackupTooOldSaysWhatTheCopyCovers(t *testing.T) {
	const addCopy = "keep its logs on another server (standby copy)"
	tests := []struct {
		name   string
		change func(desired, live *org.Org)
		rules  []string
		db     string // the backup_too_old finding's database
		says   []string
		never  []string
	}{
		{"healthy SCR copy", func(_, _ *org.Org) {}, []string{"backup_too_old", "backup_too_old"}, `MBX01\SG1\DB1`,
			[]string{"is 02:00:00 old, over the recovery point objective of 00:15:00", "its SCR copy on MBX02 covers the loss of MBX01",
				"not a logical corruption", "replays after its replay lag (01:00:00)", "the standby copy does not replace backups"},
			[]string{addCopy, "if the server is lost with its logs"}},
		{"SCR copy behind its replay lag still holds the logs", func(_, l *org.Org) {
			l.StorageGroups[0].Copy.Health = &org.CopyHealth{Status: "Healthy", SourceUp: true, SourceNewest: 9, LastCopied: 8, LastReplayed: 2, ReplayBehind: 3}
		},
			[]string{"backup_too_old", "backup_too_old", "standby_copy"}, `MBX01\SG1\DB1`,
			[]string{"its SCR copy on MBX02 covers the loss of MBX01"}, []string{addCopy}},
		{"SCR copy not copying", func(_, l *org.Org) {
			l.StorageGroups[0].Copy.Health = &org.CopyHealth{Status: "Healthy", SourceUp: true, SourceNewest: 9, LastCopied: 4, LastReplayed: 4}
		},
			[]string{"backup_too_old", "backup_too_old", "standby_copy"}, `MBX01\SG1\DB1`,
			[]string{"its SCR copy on MBX02 does not hold every closed log generation now (standby_copy): if MBX01 is lost with its logs, that much mail is lost",
				"put its SCR copy on MBX02 right (standby_copy)"}, []string{addCopy}},
		{"SCR copy declared, none live", func(_, l *org.Org) { l.StorageGroups[0].Copy = nil },
			[]string{"backup_too_old", "backup_too_old", "standby_copy"}, `MBX01\SG1\DB1`,
			[]string{"put its SCR copy on MBX02 right"}, []string{addCopy}},
		{"LCR copy", func(_, _ *org.Org) {}, []string{"backup_too_old", "backup_too_old"}, `MBX01\SG2\DB2`,
			[]string{`its LCR copy at F:\LCR\SG2 covers the loss of a disk, not of MBX01: if MBX01 is lost with its logs, that much mail is lost`,
				"a standby block (SCR) in place of its LCR copy"}, []string{addCopy}},
		{"no copy", func(d, _ *org.Org) { d.StorageGroups[0].Copy = nil }, []string{"backup_too_old", "backup_too_old"}, `MBX01\SG1\DB1`,
			[]string{"if the server is lost with its logs, that much mail is lost", addCopy}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, l := standby()
			tt.change(d, l)
			got := Check(d, l)
			var rules []string
			var f *Finding
			for i := range got {
				rules = append(rules, got[i].Rule)
				if got[i].Rule == "backup_too_old" && got[i].Identity == tt.db {
					f = &got[i]
				}
			}
			if !slices.Equal(rules, tt.rules) || f == nil {
				t.Fatalf("rules %v, want %v (backup_too_old of %s); findings: %+v", rules, tt.rules, tt.db, got)
			}
			text := f.Message + " To fix: " + f.Fix
			for _, s := range tt.says {
				if !strings.Contains(text, s) {
					t.Errorf("%q does not say %q", text, s)
				}
			}
			for _, s := range tt.never {
				if strings.Contains(text, s) {
					t.Errorf("%q says %q", text, s)
				}
			}
		})
	}
}
