package runbook

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems/cmdlets"
	"github.com/exdr/exdr/providers/ems/script"
)

func step(id string, v providers.Verb, ident string, args map[string]string, effect providers.Effect, reason string, deps ...string) *providers.Step {
	return &providers.Step{ID: id, Verb: v, Address: id[:strings.LastIndexByte(id, ':')], Identity: org.Identity(ident), Args: args,
		Effect: effect, Reason: reason, DependsOn: deps, Estimate: time.Minute}
}

// Three plans a recovery team could face: a database restored from the
// site's backup, a failed hub's queue drained through another, a lost
// server's database brought back from its standby copy.
func plans() map[string]*planner.Plan {
	db1 := `MBX01\SG1\DB1`
	restore := &planner.Plan{Organization: "Contoso", Steps: []*providers.Step{
		step("mailbox_database.DB1:allow_file_restore", providers.VerbAllowFileRestore, db1, map[string]string{"value": "true"}, providers.Reversible,
			"a restore may overwrite the database only once \"This database can be overwritten by a restore\" is set"),
		step("mailbox_database.DB1:restore_backup", providers.VerbRestoreBackup, db1, map[string]string{"sets": "full 2026-11-24 22:00Z",
			"temp_folder": `E:\Exchange\SG1\exdr-restore`, "restore_env_folder": `E:\Exchange\SG1\exdr-restore\SG1`}, providers.Irreversible,
			"the database file E:\\Exchange\\SG1\\DB1.edb is missing (event 9547)", "mailbox_database.DB1:allow_file_restore"),
		step("mailbox_database.DB1:hard_recovery", providers.VerbHardRecovery, db1, map[string]string{"roll_forward": "true", "restore_env_folder": `E:\Exchange\SG1\exdr-restore\SG1`}, providers.Reversible,
			"hard recovery replays the restored logs, then rolls forward", "mailbox_database.DB1:restore_backup"),
		step("mailbox_database.DB1:mount", providers.VerbMount, db1, nil, providers.Reversible, "the restored database is mounted", "mailbox_database.DB1:hard_recovery"),
		step("mailbox_database.DB1:set_database", providers.VerbSetDatabase, db1, map[string]string{"allow_file_restore": "false", "kind": "mailbox"}, providers.Reversible,
			"put \"This database can be overwritten by a restore\" back as it was", "mailbox_database.DB1:mount"),
	}}
	hub := &planner.Plan{Organization: "Contoso", Steps: []*providers.Step{
		step("mailbox_database.DB1:mount", providers.VerbMount, db1, nil, providers.Reversible, "the database is dismounted; the configuration says mounted = true"),
		step("queue_database.HUB01:import_queue_database", providers.VerbImportQueue, `HUB01\mail.que`, map[string]string{"queue_server": "HUB02", "source": "HUB01"}, providers.Downtime,
			"HUB01's machine has failed with 500 messages queued; its disks survive"),
		step("queue_database.HUB01:drain_queue", providers.VerbDrainQueue, `HUB01\mail.que`, map[string]string{"queue_server": "HUB02"}, providers.Reversible,
			"HUB02 delivers the messages from HUB01's queue database", "queue_database.HUB01:import_queue_database", "mailbox_database.DB1:mount"),
		step("queue_database.HUB01:restore_queue_database", providers.VerbRestoreQueue, `HUB01\mail.que`, map[string]string{"queue_server": "HUB02"}, providers.Downtime,
			"HUB02's queue database is back in service", "queue_database.HUB01:drain_queue"),
		step("server.HUB01:create_server", providers.VerbCreateServer, "HUB01", map[string]string{"server": "HUB01", "roles": "hub_transport", "setup": "recover_server"}, providers.Reversible,
			"server HUB01 does not answer: its machine has failed", "queue_database.HUB01:import_queue_database"),
	}}
	standby := &planner.Plan{Organization: "Contoso", Losses: []planner.Loss{{Address: "mailbox_database.DB1", What: "log generation 9 and later (1 generation), which the copy never received"}},
		Steps: []*providers.Step{
			step("storage_group.SG1:create_storage_group", providers.VerbCreateStorageGroup, `MBX01\SG1`, map[string]string{"server": "MBX01", "name": "SG1",
				"log_folder_path": `D:\Exchange\SG1`, "system_folder_path": `D:\Exchange\SG1`}, providers.Reversible, "the log folder D:\\Exchange\\SG1 is gone"),
			step("mailbox_database.DB1:activate_copy", providers.VerbActivateCopy, `MBX01\SG1`, map[string]string{"standby_machine": "MBX03", "force": "true"}, providers.DataLoss,
				"the database file is missing; its SCR copy on MBX03 is healthy", "storage_group.SG1:create_storage_group"),
			step("mailbox_database.DB1:mount", providers.VerbMount, db1, nil, providers.Reversible, "the activated copy is mounted", "mailbox_database.DB1:activate_copy"),
			step("storage_group.SG1:seed_copy", providers.VerbSeedCopy, `MBX01\SG1`, map[string]string{"standby_machine": "MBX03"}, providers.Reversible,
				"the copy was activated: it is seeded again", "mailbox_database.DB1:mount"),
		}}
	standby.Steps[1].Loss = standby.Losses[0].What
	return map[string]*planner.Plan{"restore": restore, "hub_portability": hub, "standby_activation": standby}
}

func TestRunbooks(t *testing.T) {
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden"))
	for name, p := range plans() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, p, script.Options{DomainController: "dc01.contoso.com"}); err != nil {
				t.Fatal(err)
			}
			g.Assert(t, name, b.Bytes())
		})
	}
}

// The one script keeps every step's order, waits at each manual step, and
// holds no text from the plan outside a literal.
func TestScriptStopsAtManualSteps(t *testing.T) {
	p := plans()["restore"]
	p.Steps[1].Args["sets"] = "full'; Remove-Item C:\\ -Recurse; '"
	var b bytes.Buffer
	if err := Write(&b, p, script.Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	i1, i2, i3 := strings.Index(out, "# Step 1:"), strings.Index(out, "# Step 2:"), strings.Index(out, "# Step 3:")
	if i1 < 0 || i2 < i1 || i3 < i2 {
		t.Fatal("the steps are not in order in the script")
	}
	if !strings.Contains(out, "if ((Read-Host 'Type done when step 2 is done') -ne 'done') { throw 'Stopped at step 2' }") {
		t.Fatal("the manual step does not wait")
	}
	if !strings.Contains(out, "Write-Host 'Restore full''; Remove-Item C:\\ -Recurse; '' of MBX01") {
		t.Fatalf("the plan's text is not one literal:\n%s", out)
	}
}

// The whole-recovery script parses and every command in it binds against
// the documented parameter sets; a step ID with PowerShell's other
// quote characters stays one literal (it broke out of 'Step ...' when
// only the ASCII apostrophe was doubled).
func TestWholeScriptBinds(t *testing.T) {
	for name, p := range plans() {
		p.Steps[0].ID = "mailbox.users[\"o\u2019brien\"]; Remove-Item C:\\ -Recurse; \u2018:" + p.Steps[0].ID
		script := wholeScript(t, p)
		if err := cmdlets.Check(script); err != nil {
			t.Errorf("%s: %v\n%s", name, err, script)
		}
		cmds, err := cmdlets.Commands(script)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			if strings.EqualFold(c.Name, "Remove-Item") {
				t.Errorf("%s: the step ID broke out of its literal: Remove-Item runs", name)
			}
		}
	}
}

// TestWriteScriptCorpus writes each plan's whole-recovery script into
// $EXDR_PS_CORPUS for CI's independent PowerShell parse; skipped without.
func TestWriteScriptCorpus(t *testing.T) {
	dir := os.Getenv("EXDR_PS_CORPUS")
	if dir == "" {
		t.Skip("EXDR_PS_CORPUS names no folder")
	}
	for name, p := range plans() {
		p.Steps[0].ID = "mailbox.users[\"o\u2019brien $(x)\"]:" + p.Steps[0].ID
		if err := os.WriteFile(filepath.Join(dir, "runbook_"+name+".ps1"), []byte(wholeScript(t, p)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// wholeScript is a plan's whole-recovery script, with the ems provider's
// script for each step.
func wholeScript(t *testing.T, p *planner.Plan) string {
	t.Helper()
	scripts := make([]*script.Script, len(p.Steps))
	for i, s := range p.Steps {
		sc, err := script.For(s, script.Options{DomainController: "dc01.contoso.com"})
		if err != nil {
			t.Fatal(err)
		}
		scripts[i] = sc
	}
	return Script(p.Steps, scripts)
}

// A runbook of one step says "1 step", by hand or not, and a step waiting
// for several names them as steps.
func TestCountsAgreeInNumber(t *testing.T) {
	rebuild := step("server.MBX02:create_server", providers.VerbCreateServer, "MBX02", map[string]string{"server": "MBX02", "roles": "mailbox", "setup": "recover_server"},
		providers.Reversible, "server MBX02 does not answer")
	mount := step("mailbox_database.DB1:mount", providers.VerbMount, `MBX01\SG1\DB1`, nil, providers.Reversible, "the database is dismounted")
	for _, tt := range []struct {
		step *providers.Step
		want string
	}{
		{rebuild, "\n1 step, by hand. The script at the end shows what to do and waits for you to type done.\n"},
		{mount, "\n1 step, not by hand. The script at the end runs it and stops if it fails.\n"},
	} {
		var b bytes.Buffer
		if err := Write(&b, &planner.Plan{Organization: "Contoso", Steps: []*providers.Step{tt.step}}, script.Options{}); err != nil {
			t.Fatal(err)
		}
		if out := b.String(); !strings.Contains(out, tt.want) || strings.Contains(out, "1 steps") || strings.Contains(out, "of them") {
			t.Errorf("%s: the runbook does not say %q:\n%s", tt.step.Verb, tt.want, out)
		}
	}
	var b bytes.Buffer
	if err := Write(&b, plans()["hub_portability"], script.Options{}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "After steps 1 and 2.") || strings.Contains(out, "After step 1, 2") {
		t.Errorf("a step after two others does not say 'After steps 1 and 2.':\n%s", out)
	}
}

// What a plan leaves (unreadable, or waiting for the configuration) is
// listed after "see below", with steps or without.
func TestRunbookListsWhatItLeaves(t *testing.T) {
	for _, steps := range [][]*providers.Step{nil, {{ID: "mailbox_database.DB1:mount", Verb: providers.VerbMount, Address: "mailbox_database.DB1", Identity: `MBX01\SG1\DB1`}}} {
		p := &planner.Plan{Organization: "Contoso", Steps: steps,
			Unreadable: []planner.Unreadable{{Address: "mailbox_database.DB2", Identity: `MBX02\SG1\DB2`, Why: "MBX02 does not answer"}},
			Waiting:    []planner.Waiting{{Address: "mailbox_database.DB3", Identity: `MBX01\SG3\DB3`, Why: "its users are served by MBX03\\SG3\\DB3"}}}
		var b strings.Builder
		if err := Write(&b, p, script.Options{}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"mailbox_database.DB2 (MBX02\\SG1\\DB2): MBX02 does not answer", "mailbox_database.DB3 (MBX01\\SG3\\DB3): its users are served by"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("with %d steps, the runbook does not say %q:\n%s", len(steps), want, b.String())
			}
		}
		var md strings.Builder
		planner.WriteMarkdown(&md, p)
		if !strings.Contains(md.String(), "`mailbox_database.DB3` (MBX01\\SG3\\DB3): its users are served by") {
			t.Errorf("the markdown plan does not list what waits:\n%s", md.String())
		}
	}
}
