package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recoveries are the damage each scenario inflicts on a built quickstart
// lab, after the commands that fill it; census is taken in between.
var recoveries = []struct {
	name   string
	fresh  bool             // the organization is not built first: the recovery builds it
	edit   func(dir string) // changes the configuration first
	before [][]string       // exdr commands run in the configuration's directory
	damage [][]string
	// change edits the configuration after the census: the recovery
	// is the configuration's new state.
	change func(dir string)
	// expect is what an exdr command must print after the recovery,
	// for what the item census does not count (an Edge server's
	// connectors).
	expect []expectation
	// waits: the recovery may leave a difference the configuration
	// must settle (users served from a standby until failback), which
	// every plan after it then lists instead of saying the organization
	// matches. (A run stopped after the server's rebuild finds the
	// server back, and activates the copy there instead.)
	waits bool
}{
	// The first repro: 24 steps, many independent, interrupted
	// while some wait for a slot.
	{name: "build", fresh: true},
	{
		name: "restore_chain",
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "2", "-items", "4", "."},
			{"lab", "backup", "-storage-group", "storage_group.MBX01_SG1", "."},
			{"lab", "traffic", "-mailboxes", "2", "-items", "4", "."},
			{"lab", "backup", "-type", "incremental", "-storage-group", "storage_group.MBX01_SG1", "."},
			{"lab", "traffic", "-mailboxes", "2", "-items", "4", "."},
		},
		damage: [][]string{{"lab", "break", ".", "delete-database", "mailbox_database.DB1"}},
	},
	{
		// DB1 lost, restored from a VSS chain in place (its logs into the
		// live log folder, then the file), then soft recovery: a kill
		// anywhere must lose nothing.
		name: "vss_restore",
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "2", "-items", "4", "."},
			{"lab", "backup", "-method", "vss", "-storage-group", "storage_group.MBX01_SG1", "."},
			{"lab", "traffic", "-mailboxes", "2", "-items", "4", "."},
			{"lab", "backup", "-method", "vss", "-type", "incremental", "-storage-group", "storage_group.MBX01_SG1", "."},
			{"lab", "traffic", "-mailboxes", "2", "-items", "4", "."},
		},
		damage: [][]string{{"lab", "break", ".", "delete-database", "mailbox_database.DB1"}},
	},
	{
		name: "lost_server",
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "2", "-items", "5", "."},
			{"lab", "backup", "."},
		},
		damage: [][]string{{"lab", "break", ".", "lose-server", "MBX01"}},
	},
	{
		name: "hub_crash",
		before: [][]string{
			{"lab", "dismount", ".", "mailbox_database.DB1"},
			{"lab", "traffic", "-mailboxes", "2", "-items", "20", "."},
		},
		damage: [][]string{{"lab", "crash", ".", "HUB01"}},
	},
	{
		// A failed hub's mail.que carried to HUB02, drained there, and
		// HUB02's own put back: every rename of queue database
		// portability, killed at any point.
		name: "queue_portability",
		edit: addHub02,
		before: [][]string{
			{"lab", "dismount", ".", "mailbox_database.DB1"},
			{"lab", "traffic", "-mailboxes", "4", "-items", "50", "."},
		},
		damage: [][]string{{"lab", "break", ".", "fail-server", "HUB01"}},
	},
	{
		// db1-user001 purged, a backup holding its 4 items: the empty
		// mailbox made, a recovery storage group of exdr's own restored
		// and mounted, the items merged back, the group removed. A run
		// cut short after the empty mailbox was forgotten: every later
		// plan said "No changes" (adversarial review); the journal now
		// keeps the merge owed until it is done.
		name: "purged_refill",
		edit: func(dir string) {
			f, err := os.OpenFile(filepath.Join(dir, "mailboxes.csv"), os.O_APPEND|os.O_WRONLY, 0)
			if err == nil {
				f.WriteString("db1-user001,User One,DB1\n")
				f.Close()
			}
		},
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "1", "-items", "4", "."},
			{"lab", "backup", "-storage-group", "storage_group.MBX01_SG1", "."},
		},
		damage: [][]string{
			{"lab", "mailbox", ".", "disable", "db1-user001"},
			{"lab", "clock", ".", "+31d"},
		},
	},
	{
		// DB2 lost and recovered by dial tone: an empty database mounted,
		// the history restored into a recovery storage group, the two
		// swapped, the dial-tone mail merged back. A kill anywhere must
		// lose neither the history nor the mail sent in dial tone.
		name: "dial_tone",
		edit: dialToneRTO,
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "4", "-items", "5", "."},
			{"lab", "backup", "-storage-group", "storage_group.MBX01_SG2", "."},
			{"lab", "traffic", "-mailboxes", "4", "-items", "5", "."},
		},
		damage: [][]string{{"lab", "break", ".", "delete-database", "mailbox_database.DB2"}},
	},
	{
		// DB1 lost with a healthy LCR copy: the copy activated in its
		// place (its files put where the database's were), mounted, and
		// the copy seeded again, each replace killed at any point.
		name: "copy_activation",
		edit: localCopyOfSG1,
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "2", "-items", "10", "."},
			{"lab", "backup", "."},
			{"lab", "traffic", "-mailboxes", "2", "-items", "3", "."},
		},
		damage: [][]string{{"lab", "break", ".", "delete-database", "mailbox_database.DB1"}},
	},
	{
		// MBX01 lost with SG1's SCR copy on MBX03, whose RTO its rebuild
		// misses: the copy activated on MBX03, a storage group and a
		// database made there at its paths, mounted, the users re-homed,
		// each step killed at any point; the users wait there for
		// failback.
		name: "standby_activation",
		edit: func(dir string) { standbyOfSG1(dir); allowDataLoss(dir) },
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "2", "-items", "10", "."},
			{"lab", "backup", "."},
		},
		damage: [][]string{{"lab", "break", ".", "lose-server", "MBX01"}},
		waits:  true,
	},
	{
		// MBX01 lost with SG1's SCR copy on MBX03: activated there (the
		// RTO is shorter than the rebuild) in the damage, then failback
		// declared: the standby's database dismounted, copied home,
		// mounted, users re-homed, the standby's objects removed and the
		// copy seeded again, each step killed at any point.
		name: "standby_failback",
		edit: standbyOfSG1,
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "2", "-items", "10", "."},
			{"lab", "backup", "."},
		},
		damage: [][]string{
			{"lab", "break", ".", "lose-server", "MBX01"},
			{"apply", "-auto-approve", "-allow-data-loss", "."},
		},
		change: declareFailback,
	},
	{
		// CMS1's active node lost with nothing in its open generation:
		// the cluster fails it over to NODE2 on its own; the plan
		// rebuilds NODE1, seeds its copy and moves CMS1 back to its
		// active_node (Move-ClusteredMailboxServer), each step killed
		// at any point.
		name: "cluster_failover",
		edit: func(dir string) { useCCRCluster(dir, "good_availability") },
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "2", "-items", "10", "."},
			{"lab", "backup", "."},
		},
		damage: [][]string{{"lab", "break", ".", "lose-server", "NODE1"}},
	},
	{
		// The same loss with a lossless dial: the cluster mounts
		// nothing; the copy is activated on NODE2
		// (Restore-StorageGroupCopy), mounted, NODE1 rebuilt after it,
		// seeded, and CMS1 moved back, each step killed at any point.
		name: "cluster_activation",
		edit: func(dir string) { useCCRCluster(dir, "lossless") },
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "2", "-items", "10", "."},
			{"lab", "backup", "."},
		},
		damage: [][]string{{"lab", "break", ".", "lose-server", "NODE1"}},
	},
	{
		// Both nodes lost: Setup /RecoverCMS, DB1 restored from its
		// backup, the copy seeded, each step killed at any point.
		name: "cluster_lost",
		edit: func(dir string) { useCCRCluster(dir, "good_availability") },
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "2", "-items", "10", "."},
			{"lab", "backup", "."},
		},
		damage: [][]string{{"lab", "break", ".", "lose-server", "CMS1"}},
	},
	{
		// PF2 lost after replicating: an empty PF2 mounted and backfilled
		// from PF1; a kill anywhere must lose no post.
		name: "public_folder_backfill",
		edit: func(dir string) { useExample(dir, "public_folders") },
		before: [][]string{
			{"lab", "public-folder", "-count", "3", ".", "post", `\Calendars`},
			{"lab", "public-folder", "-count", "2", ".", "post", `\Contacts`},
			{"lab", "clock", ".", "+15m"},
		},
		damage: [][]string{{"lab", "break", ".", "delete-database", "public_folder_database.PF2"}},
	},
	{
		// PF1 lost: \Archive only there, so restored and rolled forward,
		// then brought up to date from PF2.
		name: "public_folder_restore",
		edit: func(dir string) { useExample(dir, "public_folders") },
		before: [][]string{
			{"lab", "public-folder", "-count", "3", ".", "post", `\Archive`},
			{"lab", "clock", ".", "+15m"},
			{"lab", "backup", "."},
			{"lab", "public-folder", "-count", "2", ".", "post", `\Archive`},
			{"lab", "public-folder", "-count", "2", ".", "post", `\Calendars`},
		},
		damage: [][]string{{"lab", "break", ".", "delete-database", "public_folder_database.PF1"}},
	},
	{
		// The Edge server lost whole: Setup again, its exported
		// configuration validated and imported, the subscription made.
		name: "edge_rebuild",
		before: [][]string{
			{"lab", "edge", ".", "add-send-connector", "EDGE01", "To Internet", "*", "smtp.isp.example"},
			{"edge", "export", "EDGE01"},
		},
		damage: [][]string{{"lab", "break", ".", "lose-server", "EDGE01"}},
		expect: []expectation{{[]string{"lab", "inspect", ".", "server.EDGE01"}, "To Internet: * through smtp.isp.example"}},
	},
	{
		// A bloated mail.que defragmented with 600 messages for a
		// database kept dismounted still in it (a kill between setting
		// the old file aside and renaming the new one in lost them).
		name: "queue_defrag",
		edit: keepDB2Dismounted,
		before: [][]string{
			{"lab", "dismount", ".", "mailbox_database.DB1"},
			{"lab", "traffic", "-mailboxes", "4", "-items", "150", "."},
		},
	},
	{
		// mail.que over max_size with no max_whitespace: DB1 mounted, its
		// 1,200 messages delivered with the Receive connectors disabled,
		// the old file set aside and a new one started.
		name: "queue_rotate",
		edit: queueMaxSize1MB,
		before: [][]string{
			{"lab", "dismount", ".", "mailbox_database.DB1"},
			{"lab", "traffic", "-mailboxes", "4", "-items", "300", "."},
		},
	},
	{
		// The configuration moves HUB01's queue database and its logs
		// to other drives, with mail for a database kept dismounted
		// in it: every message must arrive in the new place.
		name: "queue_move",
		edit: keepDB2Dismounted,
		before: [][]string{
			{"lab", "traffic", "-mailboxes", "4", "-items", "20", "."},
		},
		change: moveQueue,
	},
}

// queueMaxSize1MB gives HUB01's queue database a 1MB max_size and no
// max_whitespace, so it is rotated, not defragmented.
func queueMaxSize1MB(dir string) {
	path := filepath.Join(dir, "storage.exdr.hcl")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), "max_size       = \"4GB\"\n  max_whitespace = \"30%\"", `max_size       = "1MB"`, 1)), 0o644)
}

// moveQueue puts HUB01's queue database on D: and its logs on E:.
func moveQueue(dir string) {
	path := filepath.Join(dir, "storage.exdr.hcl")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), `max_size       = "4GB"`,
		`max_size       = "4GB"
  path           = "D:\\Queue"
  logging_path   = "E:\\QueueLogs"`, 1)), 0o644)
}

// dialToneRTO makes restoring DB2 in place miss the RTO, so its loss
// is recovered by dial tone.
func dialToneRTO(dir string) {
	path := filepath.Join(dir, "main.exdr.hcl")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), `rto = "4h"`, `rto = "1m"`, 1)), 0o644)
}

// expectation is an exdr command and what its output must hold.
type expectation struct {
	command []string
	want    string
}

func checkExpected(t *testing.T, bin, dir string, expect []expectation) {
	t.Helper()
	for _, e := range expect {
		out, err := runExdr(bin, dir, e.command...)
		if err != nil || !strings.Contains(out, e.want) {
			t.Errorf("after the recovery, exdr %s (%v) does not say %q:\n%s", strings.Join(e.command, " "), err, e.want, out)
		}
	}
}

// localCopyOfSG1 gives SG1 an LCR copy on MBX01's F: drive.
func localCopyOfSG1(dir string) {
	path := filepath.Join(dir, "storage.exdr.hcl")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), `log_folder_path = "D:\\Exchange\\SG1"`,
		`log_folder_path = "D:\\Exchange\\SG1"
  copy            = "local"
  copy_path       = "F:\\LCR\\SG1"`, 1)), 0o644)
}

// addHub02 declares a second hub in HUB01's site.
func addHub02(dir string) {
	os.WriteFile(filepath.Join(dir, "hub02.exdr.hcl"), []byte(`server "HUB02" {
  roles = ["hub_transport"]
  site  = var.site
}

queue_database "HUB02" {
  server = server.HUB02.name
}
`), 0o644)
}

// keepDB2Dismounted declares DB2 mounted = false, so mail for it stays
// queued through a recovery.
func keepDB2Dismounted(dir string) {
	path := filepath.Join(dir, "storage.exdr.hcl")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), "retain_deleted_items_until_backup = true",
		"retain_deleted_items_until_backup = true\n  mounted = false", 1)), 0o644)
}

// standbyOfSG1 gives SG1 an SCR copy on a new mailbox server MBX03, and
// an RTO MBX01's rebuild misses, so that its loss is met on the standby.
func standbyOfSG1(dir string) {
	os.WriteFile(filepath.Join(dir, "mbx03.exdr.hcl"), []byte(`server "MBX03" {
  roles   = ["mailbox"]
  site    = var.site
  edition = "enterprise"
}
`), 0o644)
	path := filepath.Join(dir, "storage.exdr.hcl")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), `log_folder_path = "D:\\Exchange\\SG1"`,
		`log_folder_path = "D:\\Exchange\\SG1"
  standby {
    machine = server.MBX03.name
  }`, 1)), 0o644)
	path = filepath.Join(dir, "main.exdr.hcl")
	b, _ = os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), `rto = "4h"`, `rto = "30m"`, 1)), 0o644)
}

// declareFailback allows SG1's way back from its standby.
func declareFailback(dir string) {
	path := filepath.Join(dir, "storage.exdr.hcl")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), "machine = server.MBX03.name", "machine  = server.MBX03.name\n    failback = true", 1)), 0o644)
}

// allowDataLoss lets DB1's recovery lose what it must (a standby copy
// activated with -Force loses the log generation its source never
// closed, empty here).
func allowDataLoss(dir string) {
	path := filepath.Join(dir, "storage.exdr.hcl")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), "    restore_from = var.restore_from\n", "    restore_from    = var.restore_from\n    allow_data_loss = true\n", 1)), 0o644)
}

// useCCRCluster replaces the quickstart's configuration with
// examples/ccr_cluster's, with the dial given, and consent to lose what
// a copy lacks (here an empty open generation).
func useCCRCluster(dir, dial string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !e.IsDir() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	b, _ := os.ReadFile(filepath.Join("..", "..", "examples", "ccr_cluster", "main.exdr.hcl"))
	cfg := strings.Replace(string(b), `auto_database_mount_dial = "good_availability"`, `auto_database_mount_dial = "`+dial+`"`, 1)
	cfg = strings.Replace(cfg, `  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"`, `  edb_file_path = "E:\\Exchange\\SG1\\DB1.edb"
  recovery {
    allow_data_loss = true
  }`, 1)
	os.WriteFile(filepath.Join(dir, "main.exdr.hcl"), []byte(cfg), 0o644)
}

// useExample replaces the quickstart's configuration with an example's.
func useExample(dir, name string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !e.IsDir() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	src := filepath.Join("..", "..", "examples", name)
	files, _ := filepath.Glob(filepath.Join(src, "*.exdr.hcl"))
	for _, f := range files {
		if strings.HasSuffix(f, "drills.exdr.hcl") {
			continue
		}
		b, _ := os.ReadFile(f)
		os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
	}
}
