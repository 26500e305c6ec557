package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// publicFolderOrgs are two public folder databases, PF1 on MBX01 and
// PF2 on MBX02: \Archive on PF1 alone, \Calendars on both, as declared
// and as read healthy.
func publicFolderOrgs() (desired, live *org.Org) {
	desired = desiredOrg()
	desired.Servers = append(desired.Servers, &org.Server{Addr: addr(org.KindServer, "MBX02"), Name: "MBX02", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise})
	desired.StorageGroups = append(desired.StorageGroups, &org.StorageGroup{Addr: addr(org.KindStorageGroup, "PF"), Name: "PF", Server: "MBX02", LogFolderPath: `D:\Exchange\PF`, SystemFolderPath: `D:\Exchange\PF`})
	pf1 := desired.Databases[2]
	pf1.FolderReplicas = []string{`\Archive`, `\Calendars`}
	pf2 := &org.Database{Addr: addr(org.KindPublicFolderDatabase, "PF2"), Kind: org.PublicFolderDB, Name: "PF2", StorageGroup: `MBX02\PF`, EdbFilePath: `E:\Exchange\PF\PF2.edb`, Mounted: true,
		FolderReplicas: []string{`\Calendars`}, Decl: pf1.Decl}
	desired.Databases = append(desired.Databases, pf2)
	live = healthyLive()
	live.Servers = append(live.Servers, &org.Server{Name: "MBX02", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise, Health: &org.ServerHealth{Up: true}})
	live.StorageGroups = append(live.StorageGroups, &org.StorageGroup{Name: "PF", Server: "MBX02", LogFolderPath: `D:\Exchange\PF`, SystemFolderPath: `D:\Exchange\PF`,
		Health: &org.LogHealth{FolderExists: true, Prefix: "E00", Checkpoint: 3, OnDisk: org.LogRange{Low: 1, High: 5}}})
	c := *live.Databases[2]
	c.Name, c.StorageGroup, c.EdbFilePath = "PF2", `MBX02\PF`, `E:\Exchange\PF\PF2.edb`
	h := *c.Health
	c.Health = &h
	live.Databases = append(live.Databases, &c)
	period := org.Duration(15 * time.Minute)
	at := time.Date(2026, 12, 3, 9, 45, 0, 0, time.UTC)
	hierarchy := []*org.PublicFolder{
		{Path: `\Archive`, Replicas: []org.Identity{`MBX01\SG2\PF1`}},
		{Path: `\Calendars`, Replicas: []org.Identity{`MBX01\SG2\PF1`, `MBX02\PF\PF2`}},
	}
	for i, db := range live.Databases[2:] {
		db.ReplicationInterval = &period
		db.FolderReplicas = []string{`\Archive`, `\Calendars`}[i:]
		other := `mbx02\pf\pf2`
		if i == 1 {
			other = `mbx01\sg2\pf1`
		}
		db.Health.PublicFolders = &org.PublicFolderStore{Hierarchy: hierarchy, Received: map[string]time.Time{other: at}}
	}
	return desired, live
}

func TestPublicFolderPlans(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(live *org.Org)
		desired func(d *org.Org)
		opts    Options
		steps   string
		says    []string
	}{
		{name: "public_folders_converged", steps: ""},
		// PF2 lost: its one folder has a replica on PF1, so an empty
		// database backfills; posts after its last replication are the
		// stated loss.
		{name: "public_folders_backfill", damage: func(l *org.Org) {
			*liveDB(l, "PF2").Health = org.DatabaseHealth{}
		}, steps: "public_folder_database.PF2:create_empty_database public_folder_database.PF2:mount public_folder_database.PF2:update_public_folders",
			says: []string{`every folder it holds has a replica on another public folder database: \Calendars from MBX01\SG2\PF1`, "no restore",
				`Update-PublicFolder -Identity '\Calendars' -Server 'MBX01'`, "after its last replication (2026-12-03 09:45:00Z)", "6 hours within a site, 12 across"}},
		// PF2 lost before PF1 ever took replication from it: PF1's copy
		// of the hierarchy may not know what PF2 held, so no backfill:
		// with no backup, an empty database, consent given (found by the
		// drill pf1_bad_page, which backfilled from a hierarchy that had
		// never heard of \Archive and lost its posts).
		{name: "public_folders_never_replicated", opts: Options{AllowDataLoss: true}, damage: func(l *org.Org) {
			*liveDB(l, "PF2").Health = org.DatabaseHealth{}
			liveDB(l, "PF1").Health.PublicFolders.Received = nil
		}, steps: "public_folder_database.PF2:create_empty_database public_folder_database.PF2:mount public_folder_database.PF2:update_public_folders",
			says: []string{"no other public folder database has taken replication from MBX02\\PF\\PF2 yet", "restored, not backfilled"}},
		// PF1 lost with no backup: \Archive has no other replica, so the
		// way back is an empty database (consent given), and \Calendars
		// comes back from PF2.
		{name: "public_folders_single_replica", opts: Options{AllowDataLoss: true}, damage: func(l *org.Org) {
			*liveDB(l, "PF1").Health = org.DatabaseHealth{}
		}, steps: "public_folder_database.PF1:create_empty_database public_folder_database.PF1:mount public_folder_database.PF1:update_public_folders",
			says: []string{`\Archive has no other replica that has taken its content, so only a restore of MBX01\SG2\PF1 brings it back`, `\Calendars from MBX02\PF\PF2`, `loses every post of \Archive`}},
		// The configuration adds \Archive to PF2 and a new folder to PF1.
		{name: "public_folders_replicas", desired: func(d *org.Org) {
			d.Databases[3].FolderReplicas = []string{`\Archive`, `\Calendars`}
			d.Databases[2].FolderReplicas = append(d.Databases[2].FolderReplicas, `\Archive\2026`)
		}, steps: `public_folder_database.PF1.folder["\\Archive"]:set_public_folder_replicas public_folder_database.PF1.folder["\\Archive\\2026"]:new_public_folder`,
			says: []string{`Set-PublicFolder -Identity '\Archive' -Replicas 'MBX01\SG2\PF1','MBX02\PF\PF2'`, `New-PublicFolder -Name '2026' -Path '\Archive' -Server 'MBX01'`}},
		// PF2 drops \Calendars: PF1 keeps it, so the list shrinks.
		{name: "public_folders_replica_removed", desired: func(d *org.Org) {
			d.Databases[3].FolderReplicas = []string{}
		}, steps: `public_folder_database.PF1.folder["\\Calendars"]:set_public_folder_replicas`,
			says: []string{`Set-PublicFolder -Identity '\Calendars' -Replicas 'MBX01\SG2\PF1'`}},
		{name: "public_folders_interval", desired: func(d *org.Org) {
			d.Databases[3].ReplicationInterval = ptr(org.Duration(30 * time.Minute))
		}, steps: "public_folder_database.PF2:set_database", says: []string{"-ReplicationPeriod 30", "settings differ from the configuration: replication_interval → 00:30:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := publicFolderOrgs()
			if tt.damage != nil {
				tt.damage(live)
			}
			if tt.desired != nil {
				tt.desired(desired)
			}
			p, diags := New(desired, live, tt.opts)
			text := accepted(t, p, diags, tt.steps)
			for _, s := range tt.says {
				if !strings.Contains(text, s) {
					t.Errorf("the plan does not say %q:\n%s", s, text)
				}
			}
			goldenText(t, tt.name, text)
		})
	}
}

// Removing a folder from every public folder database that holds it is
// refused: its content would go with the last replica.
func TestLastPublicFolderReplicaRefused(t *testing.T) {
	desired, live := publicFolderOrgs()
	desired.Databases[2].FolderReplicas = []string{`\Calendars`}
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `No public folder database declares \Archive in folder_replicas any more`) {
		t.Fatalf("diagnostics %v, want the last replica's removal refused", diags)
	}
}

// A replica added after the lost database last sent its content never
// got the folder's posts: no backfill from it (an adversarial review
// found \Archive backfilled empty from PF2, its 3 posts lost, while the
// plan said within the RPO).
func TestBackfillNeedsTheContentToHaveReachedTheReplica(t *testing.T) {
	desired, live := publicFolderOrgs()
	desired.Databases[3].FolderReplicas = []string{`\Archive`, `\Calendars`}
	added := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC) // after PF2's last receipt from PF1 (09:45)
	for _, db := range live.Databases[2:] {
		db.Health.PublicFolders.Hierarchy = []*org.PublicFolder{
			{Path: `\Archive`, Replicas: []org.Identity{`MBX01\SG2\PF1`, `MBX02\PF\PF2`}, Changed: added},
			{Path: `\Calendars`, Replicas: []org.Identity{`MBX01\SG2\PF1`, `MBX02\PF\PF2`}},
		}
	}
	*liveDB(live, "PF1").Health = org.DatabaseHealth{}
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Recovery would lose data") {
		t.Fatalf("diagnostics %v, want the empty database refused (\\Archive's posts never reached PF2)", diags)
	}
	p, diags := New(desired, live, Options{AllowDataLoss: true})
	text := accepted(t, p, diags, "public_folder_database.PF1:create_empty_database public_folder_database.PF1:mount public_folder_database.PF1:update_public_folders")
	if !strings.Contains(text, `\Archive has no other replica that has taken its content`) || !strings.Contains(text, `loses every post of \Archive`) {
		t.Errorf("the plan does not name \\Archive as lost:\n%s", text)
	}
}

// Backfill whose loss window is past the RPO is not taken without
// consent, nor when a backup can restore (the review found 8 posts
// written to PF2 alone lost by a backfill the plan called OVER the RPO,
// applied without consent).
func TestBackfillPastTheRPO(t *testing.T) {
	desired, live := publicFolderOrgs()
	live.Now = time.Date(2026, 12, 3, 12, 15, 0, 0, time.UTC) // 2h30m after PF2's last replication
	*liveDB(live, "PF2").Health = org.DatabaseHealth{}
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "more than the recovery point objective") {
		t.Fatalf("diagnostics %v, want the backfill refused past the RPO", diags)
	}
	p, diags := New(desired, live, Options{AllowDataLoss: true})
	text := accepted(t, p, diags, "public_folder_database.PF2:create_empty_database public_folder_database.PF2:mount public_folder_database.PF2:update_public_folders")
	if p.Steps[0].Effect != providers.DataLoss {
		t.Errorf("create_empty_database is %s, want data_loss:\n%s", p.Steps[0].Effect, text)
	}
	// With a backup of PF2's storage group, it is restored instead.
	live.Backups = []*org.BackupSet{{ID: "full", Type: org.BackupFull, Time: live.Now.Add(-time.Hour), StorageGroup: `MBX02\PF`, Databases: []org.Identity{`MBX02\PF\PF2`}, Covers: 5}}
	p, diags = New(desired, live, Options{})
	if diags.HasErrors() || p.Step("public_folder_database.PF2:restore_backup") == nil || p.Step("public_folder_database.PF2:create_empty_database") != nil {
		t.Fatalf("diagnostics %v; want a restore, no empty database:\n%s", diags, ids(p))
	}
}

// The loss window is the folder's own sources', not any database's: a
// third public folder database that took PF2's hierarchy lately (not a
// replica of \Calendars) does not make PF1's older copy of \Calendars
// current (a second review found 4 posts lost while the plan said "up to
// 0s", within the RPO).
func TestBackfillWindowIsTheFoldersSources(t *testing.T) {
	desired, live := publicFolderOrgs()
	live.Now = time.Date(2026, 12, 3, 10, 20, 0, 0, time.UTC) // 35m after PF1 last took PF2's replication
	pf3 := *liveDB(live, "PF2")
	h := *pf3.Health
	pf3.Name, pf3.StorageGroup, pf3.Health = "PF3", `MBX03\PF`, &h
	h.PublicFolders = &org.PublicFolderStore{Hierarchy: liveDB(live, "PF1").Health.PublicFolders.Hierarchy,
		Received: map[string]time.Time{`mbx02\pf\pf2`: live.Now.Add(-time.Minute)}}
	live.Databases = append(live.Databases, &pf3)
	*liveDB(live, "PF2").Health = org.DatabaseHealth{}
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "since its last replication at 2026-12-03 09:45:00Z, 35m ago") {
		t.Fatalf("diagnostics %v, want the backfill refused, its window from PF1's copy of \\Calendars", diags)
	}
}

// A folder made in the lost database after its last replication is in
// no other database's hierarchy: the window past the RPO still applies
// with no folder known on it (it was skipped, and the folder's 5 posts
// lost though a backup held them).
func TestBackfillWindowWithNoFolderKnown(t *testing.T) {
	desired, live := publicFolderOrgs()
	desired.Databases[3].FolderReplicas = nil
	live.Now = time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)
	for _, db := range live.Databases[2:] {
		db.Health.PublicFolders.Hierarchy = db.Health.PublicFolders.Hierarchy[:1] // \Archive, on PF1 alone
	}
	*liveDB(live, "PF2").Health = org.DatabaseHealth{}
	live.Backups = []*org.BackupSet{{ID: "full", Type: org.BackupFull, Time: live.Now.Add(-30 * time.Minute), StorageGroup: `MBX02\PF`, Databases: []org.Identity{`MBX02\PF\PF2`}, Covers: 5}}
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() || p.Step("public_folder_database.PF2:restore_backup") == nil || p.Step("public_folder_database.PF2:create_empty_database") != nil {
		t.Fatalf("diagnostics %v; want a restore, no empty database:\n%s", diags, ids(p))
	}
}
