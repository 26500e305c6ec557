package planner

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

var t0 = time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)

// withBackups gives SG1 a full backup (logs 1-3) and an incremental after
// it (logs 4-5), and live logs 6 to 8 (the incremental truncated those
// below its checkpoint) with their creation times.
func withBackups(l *org.Org) {
	sg1 := org.Identity(`MBX01\SG1`)
	l.Backups = []*org.BackupSet{
		{ID: "F1", Type: org.BackupFull, Time: t0, StorageGroup: sg1, Databases: []org.Identity{`MBX01\SG1\DB1`, `MBX01\SG1\DB2`}, Logs: org.LogRange{Low: 1, High: 3}, Covers: 3},
		{ID: "I1", Type: org.BackupIncremental, Time: t0.Add(6 * time.Hour), StorageGroup: sg1, Logs: org.LogRange{Low: 4, High: 5}, Covers: 5, Base: "F1"},
	}
	h := l.StorageGroups[0].Health
	h.OnDisk, h.Checkpoint, h.Created = org.LogRange{Low: 6, High: 8}, 6, map[uint32]time.Time{}
	for g := uint32(6); g <= 8; g++ {
		h.Created[g] = t0.Add(time.Duration(g) * 2 * time.Hour)
	}
}

var restores = []struct {
	name    string
	damage  func(l *org.Org)
	desired func(d *org.Org)
	steps   string
	want    []string // phrases the text rendering must hold
}{
	{name: "restore_lost_file", damage: func(l *org.Org) { liveDB(l, "DB1").Health = &org.DatabaseHealth{} },
		steps: "mailbox_database.DB1:allow_file_restore mailbox_database.DB1:restore_backup mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database",
		want:  []string{"restore full F1 (2026-11-20 22:00Z) + incremental I1", "rolls forward through the live log folder to generation 8", "nothing is lost", "take a full backup"}},
	{name: "restore_bad_pages_mounted", damage: func(l *org.Org) { liveDB(l, "DB2").Health.BadPages = []uint32{9} },
		steps: "mailbox_database.DB2:dismount mailbox_database.DB2:allow_file_restore mailbox_database.DB2:restore_backup mailbox_database.DB2:hard_recovery mailbox_database.DB2:mount mailbox_database.DB2:set_database",
		want:  []string{"page 9 fails its checksum (JET -1018); restore"}},
	{name: "restore_skips_damaged_incremental", damage: func(l *org.Org) {
		liveDB(l, "DB1").Health = &org.DatabaseHealth{}
		l.Backups[1].Damaged = "logs/E0000000004.log fails its checksum"
	}, steps: "mailbox_database.DB1:allow_file_restore mailbox_database.DB1:restore_backup mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database",
		want: []string{"passed over incremental backup I1: logs/E0000000004.log fails its checksum; the chain ends before it", "restore full F1 (2026-11-20 22:00Z) (log generations up to 3)",
			"generation 4 is missing", "loses: the changes logged after generation 3: generation 4 is missing"}},
	{name: "restore_logs_lost_after_backup", damage: func(l *org.Org) {
		liveDB(l, "DB1").Health = &org.DatabaseHealth{}
		h := l.StorageGroups[0].Health
		h.Missing = []uint32{7}
		delete(h.Created, 7)
	}, steps: "mailbox_database.DB1:allow_file_restore mailbox_database.DB1:restore_backup mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database",
		want: []string{"rolls forward through the live log folder to generation 6", "loses: the changes logged after generation 6 (started 2026-11-21 10:00:00Z): generation 7 is missing"}},
	// backup_method = "vss": no restore.env, so soft recovery, not eseutil
	// /cc, follows the restore (and rolls forward as far).
	{name: "restore_vss", damage: func(l *org.Org) { liveDB(l, "DB1").Health = &org.DatabaseHealth{} },
		desired: func(d *org.Org) { d.Provider = org.ProviderConfig{Type: "ems", BackupMethod: "vss"} },
		steps:   "mailbox_database.DB1:allow_file_restore mailbox_database.DB1:restore_backup mailbox_database.DB1:replay_logs mailbox_database.DB1:mount mailbox_database.DB1:set_database",
		want:    []string{"with the VSS backup software", "after a VSS restore, soft recovery replays the restored logs", "eseutil.exe /r 'E00' '/lD:\\Exchange\\SG1'", "nothing is lost"}},
	{name: "restore_point_in_time", damage: func(l *org.Org) { liveDB(l, "DB1").Health = &org.DatabaseHealth{} },
		desired: func(d *org.Org) { d.Databases[0].Recovery.RestoreFrom = t0.Add(time.Hour) },
		steps:   "mailbox_database.DB1:allow_file_restore mailbox_database.DB1:restore_backup mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database",
		want:    []string{"up to generation 3 and stops there (point in time 2026-11-20 23:00Z)", "as restore_from asks"}},
	{name: "restore_dirty_without_logs", damage: func(l *org.Org) {
		h := liveDB(l, "DB1").Health
		h.Mounted, h.LogRequired = false, org.LogRange{Low: 6, High: 7}
		l.StorageGroups[0].Health.Corrupt = []uint32{6}
	}, steps: "mailbox_database.DB1:allow_file_restore mailbox_database.DB1:restore_backup mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database",
		want: []string{"dirty shutdown, but generation 6 fails its checksums, so soft recovery cannot run", "recovery point: the end of log generation 5"}},
	// A restore cut short after its files were in place, before hard
	// recovery: the restored file is dirty and would look soft-recoverable
	// from the live logs, which lack the restored ones (items lost). Hard
	// recovery is what remains, then the mount.
	{name: "restore_interrupted_before_hard_recovery", damage: func(l *org.Org) {
		db := liveDB(l, "DB1")
		db.AllowFileRestore = ptr(true)
		db.Health = &org.DatabaseHealth{FileExists: true, State: org.StateDirty, LogRequired: org.LogRange{Low: 4, High: 8}, Pages: 7,
			Restore: &org.PendingRestore{Sets: []string{"F1", "I1"}, FilesInPlace: true}}
	}, steps: "mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database",
		want: []string{"a restore of F1, I1 was interrupted before its hard recovery ran (restore.env is still in place)", "the restored files are in place, so hard recovery", "nothing is lost"}},
	// Cut short while its files were copied: the restore runs again.
	{name: "restore_interrupted_mid_copy", damage: func(l *org.Org) {
		db := liveDB(l, "DB1")
		db.AllowFileRestore = ptr(true)
		db.Health = &org.DatabaseHealth{FileExists: true, State: org.StateDirty, LogRequired: org.LogRange{Low: 1, High: 8}, Pages: 7,
			Restore: &org.PendingRestore{Sets: []string{"F1", "I1"}}}
	}, steps: "mailbox_database.DB1:restore_backup mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database",
		want: []string{"a restore of F1, I1 was interrupted before its files were all in place; restore full F1"}},
	// A closed generation a mounted database needs is damaged: it is taken
	// offline and restored, rolling forward to the generation before the
	// damaged one; the loss says "damaged", not "missing".
	{name: "restore_mounted_damaged_log", damage: func(l *org.Org) {
		l.StorageGroups[0].Health.Corrupt = []uint32{7}
		liveDB(l, "DB2").Health.LogRequired = org.LogRange{Low: 6, High: 8}
		liveDB(l, "DB1").Health.LogRequired = org.LogRange{Low: 6, High: 8}
	}, steps: "mailbox_database.DB1:dismount mailbox_database.DB1:allow_file_restore mailbox_database.DB1:restore_backup mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database " +
		"mailbox_database.DB2:dismount mailbox_database.DB2:allow_file_restore mailbox_database.DB2:restore_backup mailbox_database.DB2:hard_recovery mailbox_database.DB2:mount mailbox_database.DB2:set_database",
		want: []string{"mounted, but it needs log generations 6-8 and generation 7 fails its checksums", "loses: the changes logged after generation 6", "generation 7 is damaged (it fails its checksums)"}},
	// AllowFileRestore already on (an interrupted restore left it so):
	// no step turns it on, and it is turned off after, as the
	// configuration does not ask for it.
	{name: "restore_allowed_already", damage: func(l *org.Org) {
		db := liveDB(l, "DB1")
		db.Health, db.AllowFileRestore = &org.DatabaseHealth{}, ptr(true)
	}, steps: "mailbox_database.DB1:restore_backup mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database"},
	{name: "restore_dial_tone", damage: func(l *org.Org) { liveDB(l, "DB1").Health = &org.DatabaseHealth{} },
		desired: func(d *org.Org) {
			d.Databases[0].Recovery.DialTone = true
			d.Objectives.RTO = org.Duration(time.Second)
		},
		steps: "mailbox_database.DB1:create_empty_database mailbox_database.DB1:mount mailbox_database.DB1.dial_tone:create_recovery_storage_group " +
			"mailbox_database.DB1.dial_tone:create_recovery_database mailbox_database.DB1.dial_tone:allow_file_restore mailbox_database.DB1.dial_tone:restore_backup " +
			"mailbox_database.DB1.dial_tone:hard_recovery mailbox_database.DB1.dial_tone:swap_databases mailbox_database.DB1.dial_tone:restore_mailbox " +
			"mailbox_database.DB1.dial_tone:remove_recovery_storage_group",
		want: []string{"dial tone: an empty database takes its place at once", "users send and receive in the dial-tone database"}},
	// A dial tone interrupted once the empty database stood: its file was
	// created after the full backup, so the history is in the backups. The
	// dial tone goes on from there (no second empty database, no restore
	// over the dial-tone one), whatever the RTO.
	{name: "restore_dial_tone_resumed", damage: func(l *org.Org) { liveDB(l, "DB1").Health.Created = t0.Add(7 * time.Hour) },
		desired: func(d *org.Org) { d.Databases[0].Recovery.DialTone = true },
		steps: "mailbox_database.DB1.dial_tone:create_recovery_storage_group " +
			"mailbox_database.DB1.dial_tone:create_recovery_database mailbox_database.DB1.dial_tone:allow_file_restore mailbox_database.DB1.dial_tone:restore_backup " +
			"mailbox_database.DB1.dial_tone:hard_recovery mailbox_database.DB1.dial_tone:swap_databases mailbox_database.DB1.dial_tone:restore_mailbox " +
			"mailbox_database.DB1.dial_tone:remove_recovery_storage_group",
		want: []string{"the file at E:\\Exchange\\SG1\\DB1.edb was created 2026-11-21 05:00:00Z, after full backup F1", "the history of MBX01\\SG1\\DB1 is in the backups, not in the file"}},
	// The same, the dial-tone database dismounted: it is mounted first.
	{name: "restore_dial_tone_resumed_dismounted", damage: func(l *org.Org) {
		h := liveDB(l, "DB1").Health
		h.Created, h.Mounted, h.State, h.LogRequired = t0.Add(7*time.Hour), false, org.StateClean, org.LogRange{}
	},
		steps: "mailbox_database.DB1:mount mailbox_database.DB1.dial_tone:create_recovery_storage_group " +
			"mailbox_database.DB1.dial_tone:create_recovery_database mailbox_database.DB1.dial_tone:allow_file_restore mailbox_database.DB1.dial_tone:restore_backup " +
			"mailbox_database.DB1.dial_tone:hard_recovery mailbox_database.DB1.dial_tone:swap_databases mailbox_database.DB1.dial_tone:restore_mailbox " +
			"mailbox_database.DB1.dial_tone:remove_recovery_storage_group",
		want: []string{"it is mounted so users send and receive in it while the history is restored"}},
	// A file created before the full backup (restored, or the original)
	// holds its history: nothing to do.
	{name: "restore_created_before_backup", damage: func(l *org.Org) { liveDB(l, "DB1").Health.Created = t0.Add(-time.Hour) },
		steps: ""},
	// Killed inside the swap: the swap's record says so, and the swap
	// finishes before anything else; then the merge and the removal.
	{name: "restore_dial_tone_swap_interrupted", damage: func(l *org.Org) {
		h := liveDB(l, "DB1").Health
		h.FileExists, h.Mounted, h.Swap = false, false, &org.PendingSwap{RecoveryDatabase: `MBX01\Recovery Storage Group\DB1`}
		l.RecoveryStorageGroups = append(l.RecoveryStorageGroups, &org.RecoveryStorageGroup{Name: "Recovery Storage Group", Server: "MBX01", Database: `MBX01\SG1\DB1`,
			Health: &org.RecoveryHealth{DatabaseExists: true, FileExists: true, State: org.StateClean, Created: t0.Add(-time.Hour)}})
	},
		steps: "mailbox_database.DB1.dial_tone:swap_databases mailbox_database.DB1.dial_tone:restore_mailbox mailbox_database.DB1.dial_tone:remove_recovery_storage_group",
		want:  []string{"a dial-tone swap of MBX01\\SG1\\DB1 and MBX01\\Recovery Storage Group\\DB1 was interrupted: it is finished"}},
	// Killed after the swap: the recovery group holds the dial-tone
	// file, newer than production's. Its mail is merged, the group goes.
	{name: "restore_dial_tone_merge_pending", damage: func(l *org.Org) {
		liveDB(l, "DB1").Health.Created = t0.Add(-time.Hour)
		l.RecoveryStorageGroups = append(l.RecoveryStorageGroups, &org.RecoveryStorageGroup{Name: "Recovery Storage Group", Server: "MBX01", Database: `MBX01\SG1\DB1`,
			Health: &org.RecoveryHealth{DatabaseExists: true, FileExists: true, State: org.StateClean, Created: t0.Add(7 * time.Hour)}})
	},
		steps: "mailbox_database.DB1.dial_tone:mount mailbox_database.DB1.dial_tone:restore_mailbox mailbox_database.DB1.dial_tone:remove_recovery_storage_group",
		want:  []string{"a dial tone was interrupted after its swap: MBX01\\Recovery Storage Group\\DB1 holds the dial-tone database (created 2026-11-21 05:00:00Z, after the restored MBX01\\SG1\\DB1)"}},
	{name: "restore_dial_tone_not_needed", damage: func(l *org.Org) { liveDB(l, "DB1").Health = &org.DatabaseHealth{} },
		desired: func(d *org.Org) { d.Databases[0].Recovery.DialTone = true },
		steps:   "mailbox_database.DB1:allow_file_restore mailbox_database.DB1:restore_backup mailbox_database.DB1:hard_recovery mailbox_database.DB1:mount mailbox_database.DB1:set_database",
		want:    []string{"dial tone is not needed: restoring in place (about 1m26s) fits the RTO of 30m"}},
	{name: "public_folder_no_backup", damage: func(l *org.Org) { liveDB(l, "PF1").Health = &org.DatabaseHealth{} },
		desired: func(d *org.Org) { d.Databases[2].Recovery.AllowDataLoss = true },
		steps:   "public_folder_database.PF1:create_empty_database public_folder_database.PF1:mount"},
}

func TestRestoreProcedures(t *testing.T) {
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden"))
	for _, tt := range restores {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := desiredOrg(), healthyLive()
			withBackups(live)
			tt.damage(live)
			if tt.desired != nil {
				tt.desired(desired)
			}
			p, diags := New(desired, live, Options{})
			text := accepted(t, p, diags, tt.steps)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the plan does not say %q:\n%s", w, text)
				}
			}
			// The restore step, its hard recovery and the command shown
			// name one folder for restore.env: <edb folder>\exdr-restore\<storage group>.
			var env string
			for _, s := range p.Steps {
				if f := s.Args["restore_env_folder"]; f != "" {
					if env != "" && f != env || !strings.HasSuffix(f, `\exdr-restore\SG1`) {
						t.Errorf("%s names restore.env's folder %q (another step %q)", s.ID, f, env)
					}
					env = f
					if s.Verb == providers.VerbHardRecovery && !strings.Contains(s.Command, "'"+f+"'") {
						t.Errorf("%s runs %s, not on %s", s.ID, s.Command, f)
					}
				}
			}
			for _, s := range p.Steps {
				if s.Effect.String() == "data_loss" && tt.name != "public_folder_no_backup" {
					t.Errorf("%s is data_loss; a restore discards nothing", s.ID)
				}
			}
			g.Assert(t, tt.name+".txt", []byte(text))
			g.Assert(t, tt.name+".graph", []byte(p.String()))
		})
	}
}

func TestNoChainWhenTheOnlyFullIsDamaged(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withBackups(live)
	live.Backups[0].Damaged = "db/DB1.edb is missing from the set"
	liveDB(live, "DB1").Health = &org.DatabaseHealth{}
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || !strings.Contains(diags[0].Detail, "no usable backup exists") {
		t.Fatalf("diagnostics = %v, want the refusal: no usable backup", diags)
	}
	p, _ := New(desired, live, Options{AllowDataLoss: true})
	if !strings.Contains(strings.Join(p.Notes, "\n"), "no usable backup: full backup F1: db/DB1.edb is missing from the set") {
		t.Fatalf("notes do not name the damaged set: %v", p.Notes)
	}
}

func TestSpaceGuards(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withBackups(live)
	live.Backups[0].Bytes, live.Backups[1].Bytes = 600<<20, 40<<20
	live.Servers[0].Health.Free = map[string]org.Size{"E": 100 * org.MegaByte}
	liveDB(live, "DB1").Health = &org.DatabaseHealth{}
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || diags[0].Summary != "Not enough free space" ||
		!strings.Contains(diags[0].Detail, "the restore (the database file and the chain's logs) needs 640MB on E: of MBX01, and 100MB is free") {
		t.Fatalf("restore with too little room: %v", diags)
	}
	live.Backups = nil
	liveDB(live, "DB1").Health = &org.DatabaseHealth{FileExists: true, State: org.StateClean, BadPages: []uint32{2}, Size: 80 * org.MegaByte}
	_, diags = New(desired, live, Options{AllowDataLoss: true})
	if !diags.HasErrors() || !strings.Contains(diags[0].Detail, "needs 184MB on E: of MBX01, and 100MB is free") {
		t.Fatalf("repair with too little room: %v", diags)
	}
	live.Servers[0].Health.Free["E"] = org.GigaByte
	if _, diags = New(desired, live, Options{AllowDataLoss: true}); diags.HasErrors() {
		t.Fatalf("with room: %v", diags)
	}
}

func TestPortability(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	// DB1 now belongs on MBX02's SG9; it still lives on MBX01.
	desired.Servers = append(desired.Servers, &org.Server{Addr: addr(org.KindServer, "MBX02"), Name: "MBX02", Roles: org.Roles(org.RoleMailbox)})
	desired.StorageGroups = append(desired.StorageGroups, &org.StorageGroup{Addr: addr(org.KindStorageGroup, "SG9"), Name: "SG9", Server: "MBX02", LogFolderPath: `D:\SG9`, SystemFolderPath: `D:\SG9`})
	desired.Databases[0].StorageGroup = `MBX02\SG9`
	live.Servers = append(live.Servers, &org.Server{Name: "MBX02", Roles: org.Roles(org.RoleMailbox), Health: &org.ServerHealth{Up: true}})
	live.StorageGroups = append(live.StorageGroups, &org.StorageGroup{Name: "SG9", Server: "MBX02", LogFolderPath: `D:\SG9`, SystemFolderPath: `D:\SG9`,
		Health: &org.LogHealth{FolderExists: true, Prefix: "E00", OnDisk: org.LogRange{Low: 1, High: 1}}})
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := "mailbox_database.DB1:dismount mailbox_database.DB1:create_database mailbox_database.DB1:allow_file_restore mailbox_database.DB1:place_database " +
		"mailbox_database.DB1:mount mailbox_database.DB1:rehome_mailboxes mailbox_database.DB1:set_database"
	if got := ids(p); got != want {
		t.Fatalf("steps:\n got %s\nwant %s", got, want)
	}
	if s := p.Step("mailbox_database.DB1:dismount"); s.Identity != `MBX01\SG1\DB1` {
		t.Errorf("the dismount is of %s, want the source", s.Identity)
	}
	if s := p.Step("mailbox_database.DB1:rehome_mailboxes"); !strings.Contains(s.Command, `Get-Mailbox -Database 'MBX01\SG1\DB1' -ResultSize Unlimited | Where-Object { $_.ObjectClass -notmatch '(SystemAttendantMailbox|ExOleDbSystemMailbox)' } | Move-Mailbox -ConfigurationOnly -TargetDatabase 'MBX02\SG9\DB1' -Confirm:$false`) {
		t.Errorf("rehome command: %s", s.Command)
	}
	var text bytes.Buffer
	WriteText(&text, p, TextOptions{})
	goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden")).Assert(t, "move_database.txt", text.Bytes())

	// The source's server is gone: no files to move.
	live.Servers[0].Health.Up = false
	if _, diags := New(desired, live, Options{}); !diags.HasErrors() || diags[0].Summary != "Database cannot be moved" {
		t.Fatalf("moving from a lost server: %v", diags)
	}

	// Public folder databases are not portable.
	desired, live = desiredOrg(), healthyLive()
	desired.Databases[2].StorageGroup = `MBX01\SG1`
	_, diags = New(desired, live, Options{})
	if !diags.HasErrors() || !strings.Contains(diags[0].Detail, "public folder databases are not portable") {
		t.Fatalf("moving a public folder database: %v", diags)
	}
}

func TestHubComesBackBeforeMailboxesMount(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	desired.Servers = append(desired.Servers, &org.Server{Addr: addr(org.KindServer, "HUB01"), Name: "HUB01",
		Roles: org.Roles(org.RoleHubTransport).With(org.RoleClientAccess)})
	live.Servers = append(live.Servers, &org.Server{Name: "HUB01", Roles: org.Roles(org.RoleHubTransport).With(org.RoleClientAccess),
		Health: &org.ServerHealth{Up: false}})
	liveDB(live, "DB1").Health.Mounted = false
	liveDB(live, "DB1").Health.State = org.StateClean
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	mount := p.Step("mailbox_database.DB1:mount")
	if mount == nil || !slices.Contains(mount.DependsOn, "server.HUB01:create_server") {
		t.Fatalf("the mount does not wait for the hub's rebuild: %+v", mount)
	}
	notes := strings.Join(p.Notes, "\n")
	if !strings.Contains(notes, "default virtual directories") || !strings.Contains(notes, "went with its disks; it starts with a new one") {
		t.Fatalf("notes for the rebuilt hub/client access server: %s", notes)
	}
}

// Users come back when their databases mount: after the rebuild of the
// site's only Client Access server, not before; a second one up in the
// site serves them meanwhile.
func TestClientAccessComesBackBeforeMailboxesMount(t *testing.T) {
	for _, tt := range []struct {
		name     string
		otherCAS bool
		waits    bool
	}{{"the only CAS", false, true}, {"another CAS up", true, false}} {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := desiredOrg(), healthyLive()
			desired.Servers = append(desired.Servers, &org.Server{Addr: addr(org.KindServer, "CAS01"), Name: "CAS01", Roles: org.Roles(org.RoleClientAccess)})
			live.Servers = append(live.Servers, &org.Server{Name: "CAS01", Roles: org.Roles(org.RoleClientAccess), Health: &org.ServerHealth{Up: false}})
			if tt.otherCAS {
				desired.Servers = append(desired.Servers, &org.Server{Addr: addr(org.KindServer, "CAS02"), Name: "CAS02", Roles: org.Roles(org.RoleClientAccess)})
				live.Servers = append(live.Servers, &org.Server{Name: "CAS02", Roles: org.Roles(org.RoleClientAccess), Health: &org.ServerHealth{Up: true}})
			}
			liveDB(live, "DB1").Health.Mounted = false
			liveDB(live, "DB1").Health.State = org.StateClean
			p, diags := New(desired, live, Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			mount := p.Step("mailbox_database.DB1:mount")
			if got := mount != nil && slices.Contains(mount.DependsOn, "server.CAS01:create_server"); got != tt.waits {
				t.Fatalf("the mount waits for CAS01's rebuild: %v, want %v (%+v)", got, tt.waits, mount)
			}
		})
	}
}

// The dial-tone decision measures the restore with the figure the plan
// itself then shows for its restore and hard recovery: one estimate.
func TestDialToneDecisionUsesThePlansRestoreTime(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withBackups(live)
	desired.Databases[0].Recovery.DialTone = true
	liveDB(live, "DB1").Health = &org.DatabaseHealth{}
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	restore, hard := p.Step("mailbox_database.DB1:restore_backup"), p.Step("mailbox_database.DB1:hard_recovery")
	if restore == nil || hard == nil {
		t.Fatalf("no restore planned: %s", ids(p))
	}
	want := fmt.Sprintf("restoring in place (about %s)", RoundEstimate(restore.Estimate+hard.Estimate))
	if !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, want) }) {
		t.Errorf("notes %q do not say %q", p.Notes, want)
	}
}

// A point in time cannot be reached after a VSS restore (soft recovery
// replays every later log): refused at the database's block.
func TestPointInTimeFromVSSIsRefused(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withBackups(live)
	liveDB(live, "DB1").Health = &org.DatabaseHealth{}
	desired.Provider = org.ProviderConfig{Type: "ems", BackupMethod: "vss"}
	desired.Databases[0].Recovery.RestoreFrom = t0.Add(time.Hour)
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || diags[0].Summary != "Point-in-time restore from a VSS backup" || diags[0].Subject == nil {
		t.Fatalf("got %v", diags)
	}
}

// A restore refused for another reason (a recovery storage group holds
// the database) takes no room: the restore of the database beside it is
// not refused for room the refused one would have used (review: the
// refusal said "of which 60MB goes to DB1 in this plan" of a restore the
// plan did not hold).
func TestRefusedRestoreTakesNoRoom(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withBackups(live)
	live.Backups[0].Bytes, live.Backups[1].Bytes = 60<<20, 20<<20
	live.Servers[0].Health.Free = map[string]org.Size{"E": 100 * org.MegaByte}
	liveDB(live, "DB1").Health = &org.DatabaseHealth{}
	liveDB(live, "DB2").Health = &org.DatabaseHealth{}
	live.RecoveryStorageGroups = []*org.RecoveryStorageGroup{{Name: "Old RSG", Server: "MBX01", Database: `MBX01\SG1\DB1`,
		Health: &org.RecoveryHealth{DatabaseExists: true, FileExists: true}}}
	_, diags := New(desired, live, Options{})
	var summaries []string
	for _, d := range diags {
		summaries = append(summaries, d.Summary+": "+d.Detail)
	}
	got := strings.Join(summaries, "\n")
	if !strings.Contains(got, "Recovery storage group holds the database") {
		t.Fatalf("DB1's restore is not refused for the group:\n%s", got)
	}
	if strings.Contains(got, "Not enough free space") {
		t.Errorf("DB2 is refused for room DB1's refused restore held:\n%s", got)
	}
}

// A dial tone restores the history into a recovery storage group beside
// the database: refused for room before the empty database is made, as
// a restore in place is (adversarial review: not checked at all).
func TestDialToneRoom(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withBackups(live)
	live.Backups[0].Bytes, live.Backups[1].Bytes = 600<<20, 40<<20
	live.Servers[0].Health.Free = map[string]org.Size{"E": 100 * org.MegaByte}
	liveDB(live, "DB1").Health = &org.DatabaseHealth{}
	desired.Databases[0].Recovery.DialTone = true
	desired.Objectives.RTO = org.Duration(time.Second)
	p, diags := New(desired, live, Options{})
	if !diags.HasErrors() || diags[0].Summary != "Not enough free space" || !strings.Contains(diags[0].Detail, "recovery storage group") {
		t.Fatalf("diagnostics %v", diags)
	}
	if p.Step("mailbox_database.DB1:create_empty_database") != nil {
		t.Errorf("the empty database is made before the refusal: %s", ids(p))
	}
}
