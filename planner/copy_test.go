package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
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

// A mailbox database whose server is lost and whose SCR copy waits for
// the server's rebuild: the plan says the copy could serve its users
// sooner, activated on the standby, which exdr does not plan yet.
func TestStandbyActivationWaitsForTheRebuildSaid(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withStandby(desired, live)
	for _, o := range []*org.Org{desired, live} {
		for _, db := range o.Databases {
			if db.Name == "PF1" {
				db.Kind = org.MailboxDB
				db.Addr = addr(org.KindMailboxDatabase, "PF1")
			}
		}
	}
	lose(live)
	p, diags := New(desired, live, Options{AllowDataLoss: true})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	found := false
	for _, n := range p.Notes {
		if strings.Contains(n, "its SCR copy on MBX03 could serve its users sooner") && strings.Contains(n, "Restore-StorageGroupCopy") {
			found = true
		}
	}
	if !found {
		t.Errorf("notes %q", p.Notes)
	}
}
