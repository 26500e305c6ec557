package command

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/exdr/exdr/drill"
	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
)

// exampleRecoveries names, for each example, the step each of its drills
// must have run: a drill that passes by another road (a restore in place
// where dial tone was meant, a backup where a standby copy was) does not
// show what its example is for. Every example listed must exist.
var exampleRecoveries = map[string]map[string]string{
	"quickstart":             {"lose_mbx01": "create_server", "delete_db1": "hard_recovery", "hub_crash": "replay_logs"},
	"recovery_storage_group": {"purged_mailbox": "restore_mailbox"},
	"dial_tone":              {"lose_db1": "swap_databases", "lose_mbx01": "swap_databases", "db1_bad_page": "swap_databases"},
	"standby_copies":         {"lcr_db2_lost": "activate_copy", "scr_mbx01_lost": "activate_copy"},
	"standby_site":           {"hq_lost": "rehome_mailboxes", "hq_lost_and_back": "rehome_mailboxes"},
	"ccr_cluster":            {"passive_node_lost": "seed_copy", "active_node_lost": "move_clustered_server", "cluster_lost": "create_server"},
	"two_hubs":               {"hub01_failed": "import_queue_database", "hub01_power_cut": "replay_logs"},
	"edge":                   {"edge01_lost": "import_edge_config", "edge01_lost_inbound": "subscribe_edge"},
	"public_folders":         {"pf2_lost_backfill": "create_empty_database", "pf1_lost": "restore_backup", "pf1_bad_page": "restore_backup", "pf1_lost_newest_backup_damaged": "restore_backup"},
}

// TestExamples checks every directory of examples/ as a newcomer would
// use it: each is formatted and valid, and each that has a
// drills.exdr.hcl runs its drills with `exdr drill DIR` (in-process), on
// a copy of the example without its hidden folders and drill reports, so
// that the checkout stays clean and a lab built there is not used. Every
// drill must pass, having run the recovery its example is about.
// examples/ems, for a real organization, has no drills: it is validated.
func TestExamples(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	for name := range exampleRecoveries {
		if !slices.Contains(names, name) {
			t.Errorf("examples/%s is gone, or renamed: update exampleRecoveries", name)
		}
	}
	if !slices.Contains(names, "ems") {
		t.Error("examples/ems is gone")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			if err := copyExample(filepath.Join(root, name), dir); err != nil {
				t.Fatal(err)
			}
			runExample(t, 0, "fmt", "-check", dir)
			runExample(t, 0, "validate", dir)
			if _, err := os.Stat(filepath.Join(dir, "drills.exdr.hcl")); err != nil {
				if name != "ems" {
					t.Logf("examples/%s has no drills.exdr.hcl: validated only", name)
				}
				return
			}
			cfg, diags := lang.LoadDir(dir, lang.Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if len(cfg.Drills) == 0 {
				t.Fatalf("examples/%s/drills.exdr.hcl declares no drill", name)
			}
			out := runExample(t, 0, "drill", dir)
			want := exampleRecoveries[name]
			for drillName := range want {
				if !slices.ContainsFunc(cfg.Drills, func(d *org.Drill) bool { return d.Name == drillName }) {
					t.Errorf("examples/%s has no drill %q any more: update exampleRecoveries", name, drillName)
				}
			}
			for _, d := range cfg.Drills {
				if !strings.Contains(out, "Drill "+d.Name+": PASS.") {
					t.Errorf("drill %s did not pass:\n%s", d.Name, out)
					continue
				}
				rep := drillReport(t, dir, d.Name)
				if rep.Verdict != "pass" || !rep.Converged {
					t.Errorf("drill %s: verdict %s, converged %v in its report", d.Name, rep.Verdict, rep.Converged)
				}
				if verb := want[d.Name]; verb != "" && !slices.ContainsFunc(rep.Steps, func(s *drill.StepReport) bool { return s.Verb == verb && s.Status == "done" }) {
					var ran []string
					for _, s := range rep.Steps {
						ran = append(ran, s.Verb+" ("+s.Status+")")
					}
					t.Errorf("drill %s passed without a %s step, the recovery examples/%s is for; it ran: %s", d.Name, verb, name, strings.Join(ran, ", "))
				}
			}
		})
	}
}

// runExample runs one command line in-process, as the binary would, without the
// user's configuration cache, and fails the test unless it exits with
// code. It returns stdout and stderr together.
func runExample(t *testing.T, code int, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	s := &streams{stdin: bytes.NewReader(nil), stdout: &out, stderr: &out, env: []string{"EXDR_CONFIG_CACHE=off"}}
	if got := runCommand(context.Background(), args, s); got != code {
		t.Fatalf("exdr %s exited %d, want %d:\n%s", strings.Join(args, " "), got, code, out.String())
	}
	return out.String()
}

// drillReport reads the one JSON report a drill wrote in dir.
func drillReport(t *testing.T, dir, name string) *drill.Report {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "drills", name, "*.json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("drill %s: want one JSON report, found %v (%v)", name, files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var rep drill.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("%s: %v", files[0], err)
	}
	return &rep
}

// copyExample copies an example without its hidden folders (a lab built
// in it, .exdr) and its drill reports (drills/): what a fresh checkout
// holds, the Edge exports it keeps included.
func copyExample(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || rel == "drills") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}
