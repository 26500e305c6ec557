package command

import (
	"os"
	"path/filepath"
	"testing"
)

// raceScripts are the scenarios the race detector's run (-race -short,
// CI's last step) goes through; -short without -race, and any run with
// EXDR_RACE_ALL_SCRIPTS=1, goes through all of them. Under the detector
// every exdr a scenario runs is a race-built process, and the whole set
// took 11 of CI's 19 minutes; these are the ones that reach the most of
// what the whole set reaches per second of it, picked by
// internal/racepick from each scenario's coverage and a race run's times
// (2026-12-05). The scenarios that plan and apply on the lab reach every
// goroutine a plan and an apply start (the read, the planner, the
// executor, the journal's watch); what differs is which steps run side
// by side, and these reach 90% of the statements the whole set does, in
// under a quarter of its time. Pick them again when
// scenarios are added: the command is in internal/racepick's doc.
var raceScripts = []string{
	"journal_torn",           // 31.1% after it, 2 s of race time in all
	"backend_pg_drills",      // 45.6% after it, 6 s of race time in all
	"ems_edge_subscription",  // 50.0% after it, 8 s of race time in all
	"leftover_rsg",           // 53.3% after it, 12 s of race time in all
	"validate_json",          // 53.8% after it, 13 s of race time in all
	"cluster_drift",          // 59.2% after it, 24 s of race time in all
	"cli",                    // 62.0% after it, 31 s of race time in all
	"standby_saved_failback", // 67.9% after it, 47 s of race time in all
	"edge_outbound",          // 69.6% after it, 54 s of race time in all
	"recover_damage",         // 71.1% after it, 59 s of race time in all
	"ems_apply",              // 73.0% after it, 67 s of race time in all
	"ems_cluster",            // 74.8% after it, 76 s of race time in all
	"inbound_edge",           // 78.2% after it, 98 s of race time in all
	"backend_pg",             // 79.9% after it, 110 s of race time in all
	"drill",                  // 81.3% after it, 122 s of race time in all
	"example_ems",            // 82.8% after it, 136 s of race time in all
	"generate",               // 84.6% after it, 154 s of race time in all
	"queue_portability",      // 86.0% after it, 170 s of race time in all
	"lock_garbled",           // 86.2% after it, 173 s of race time in all
	"empty_mounted_by_hand",  // 87.1% after it, 184 s of race time in all
	"purged_mailbox_auto",    // 87.6% after it, 192 s of race time in all
	"soft_recovery",          // 87.9% after it, 197 s of race time in all
	"public_folders",         // 89.9% after it, 231 s of race time in all
	"queue_move_interrupted", // 90.4% after it, 241 s of race time in all
}

// scriptsForThisRun is the scenario files TestScripts runs: nil for the
// whole folder.
func scriptsForThisRun(t *testing.T, dir string) []string {
	if !raceDetector || !testing.Short() || os.Getenv("EXDR_RACE_ALL_SCRIPTS") == "1" {
		return nil
	}
	files := make([]string, len(raceScripts))
	for i, name := range raceScripts {
		files[i] = filepath.Join(dir, name+".txtar")
	}
	t.Logf("the race detector's run: %d of the scenarios (EXDR_RACE_ALL_SCRIPTS=1 for all)", len(files))
	return files
}

// TestRaceScriptsExist keeps the list true to the folder: a scenario
// renamed or removed must leave it too, or the race run would fail
// (and only there).
func TestRaceScriptsExist(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range raceScripts {
		if seen[name] {
			t.Errorf("%s is listed twice", name)
		}
		seen[name] = true
		if _, err := os.Stat(filepath.Join("..", "..", "testdata", "script", name+".txtar")); err != nil {
			t.Errorf("raceScripts names %s: %v", name, err)
		}
	}
}
