package script

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems/cmdlets"
)

// steps has one step for every verb, as the planner writes them.
var steps = []*providers.Step{
	{Verb: providers.VerbCreateServer, Identity: "MBX01", Args: map[string]string{"server": "MBX01", "roles": "mailbox", "setup": "recover_server"}, Reason: "server MBX01 does not answer"},
	{Verb: providers.VerbCreateStorageGroup, Identity: `MBX01\SG1`, Args: map[string]string{"server": "MBX01", "name": "SG1", "log_folder_path": `D:\Exchange\SG1`, "system_folder_path": `D:\Exchange\SG1`}},
	{Verb: providers.VerbSetStorageGroup, Identity: `MBX01\SG1`, Args: map[string]string{"circular_logging": "false"}},
	{Verb: providers.VerbCreateDatabase, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"storage_group": `MBX01\SG1`, "name": "DB1", "kind": "mailbox", "edb_file_path": `E:\Exchange\SG1\DB1.edb`, "deleted_item_retention": "14d", "mailbox_retention": "30d"}},
	{Verb: providers.VerbCreateEmptyDatabase, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"edb_file_path": `E:\Exchange\SG1\DB1.edb`}},
	{Verb: providers.VerbMount, Identity: `MBX01\SG1\DB1`},
	{Verb: providers.VerbDismount, Identity: `MBX01\SG1\DB1`},
	{Verb: providers.VerbSetDatabase, Identity: `MBX01\SG2\PF1`, Args: map[string]string{"kind": "public_folder", "deleted_item_retention": "7.00:00:00", "retain_deleted_items_until_backup": "true", "replication_interval": "30m"}},
	{Verb: providers.VerbReplayLogs, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"log_file_prefix": "E00", "log_folder_path": `D:\Exchange\SG1`, "system_folder_path": `D:\Exchange\SG1\`, "edb_file_path": `E:\Exchange Databases\SG1\DB1.edb`}},
	{Verb: providers.VerbRepairDatabase, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"edb_file_path": `E:\Exchange\SG1\DB1.edb`}, Loss: "page 3 and what it held"},
	{Verb: providers.VerbAllowFileRestore, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"value": "true"}},
	{Verb: providers.VerbRestoreBackup, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"sets": "full-1",
		"temp_folder": `E:\Exchange\SG1\exdr-restore`, "restore_env_folder": `E:\Exchange\SG1\exdr-restore\SG1`}},
	{Verb: providers.VerbHardRecovery, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"roll_forward": "true", "restore_env_folder": `E:\Exchange\SG1\exdr-restore\SG1`}},
	{Verb: providers.VerbIntegrityCheck, Identity: `MBX01\SG1\DB1`},
	{Verb: providers.VerbDefragment, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"edb_file_path": `E:\Exchange\SG1\DB1.edb`}},
	{Verb: providers.VerbPlaceDatabase, Identity: `MBX02\Sales\DB1`, Args: map[string]string{"source": `MBX01\SG1\DB1`, "source_server": "MBX01",
		"source_edb_file_path": `E:\Exchange\SG1\DB1.edb`, "edb_file_path": `F:\Sales\DB1.edb`}},
	{Verb: providers.VerbRehomeMailboxes, Identity: `MBX02\Sales\DB1`, Args: map[string]string{"source": `MBX01\SG1\DB1`}},
	{Verb: providers.VerbCreateMailbox, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"mailbox": "alice", "owner": `CONTOSO\alice`}},
	{Verb: providers.VerbConnectMailbox, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"mailbox": "o'brien", "owner": `CONTOSO\o'brien`, "mailbox_guid": "5f0b7a4c-8e0e-4a2b-9b1c-1d2e3f405162"}},
	{Verb: providers.VerbCleanMailboxDB, Identity: `MBX01\SG1\DB1`},
	{Verb: providers.VerbSetMailbox, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"mailbox": "alice", "use_database_retention_defaults": "false", "retain_deleted_items_for": "30d"}},
	{Verb: providers.VerbCreateRecoveryGroup, Identity: `MBX01\Recovery Storage Group`, Args: map[string]string{"server": "MBX01", "name": "Recovery Storage Group", "log_folder_path": `R:\RSG`, "system_folder_path": `R:\RSG`}},
	{Verb: providers.VerbCreateRecoveryDB, Identity: `MBX01\Recovery Storage Group\DB1`, Args: map[string]string{"storage_group": `MBX01\Recovery Storage Group`, "edb_file_path": `R:\RSG\DB1.edb`, "recovery_of": `MBX01\SG1\DB1`}},
	{Verb: providers.VerbRestoreMailbox, Identity: `MBX01\Recovery Storage Group`, Args: map[string]string{"rsg_database": `MBX01\Recovery Storage Group\DB1`, "mailbox": "bob", "target": "bob",
		"target_folder": "Recovered Items", "start_date": "2026-11-01", "subject_keywords": "invoice\ncontract",
		"content_keywords": "budget", "recipient_keywords": "Smith, Bob", "attachment_filenames": "*.xlsx\n*.pdf"}},
	{Verb: providers.VerbRestoreMailbox, Identity: `MBX01\Recovery Storage Group`, Args: map[string]string{"rsg_database": `MBX01\Recovery Storage Group\DB1`, "mailbox": "bob", "target": "bob",
		"target_folder": "Recovered Items", "bad_item_limit": "5", "validate_only": "true"}},
	{Verb: providers.VerbRemoveRecoveryGroup, Identity: `MBX01\Recovery Storage Group`},
	{Verb: providers.VerbSwapDatabases, Identity: `MBX01\SG2\DB2`, Args: map[string]string{"rsg_database": `MBX01\Recovery Storage Group\DB2`}},
	{Verb: providers.VerbValidateEdgeConfig, Identity: "EDGE01", Args: map[string]string{"server": "EDGE01", "cloned_config": "edge/EDGE01.xml", "cloned_config_sha256": "9f2c"}},
	{Verb: providers.VerbImportEdgeConfig, Identity: "EDGE01", Args: map[string]string{"server": "EDGE01", "cloned_config": "edge/EDGE01.xml", "cloned_config_sha256": "9f2c"}},
	{Verb: providers.VerbSubscribeEdge, Identity: "EDGE01", Args: map[string]string{"server": "EDGE01", "site": "HQ"}},
	{Verb: providers.VerbStopTransport, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB01"}},
	{Verb: providers.VerbStartTransport, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB01"}},
	{Verb: providers.VerbMoveQueueDatabase, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB01", "path": `D:\Queue`, "logging_path": `L:\QueueLogs`}},
	{Verb: providers.VerbImportQueue, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB02", "source": "HUB01",
		"source_queue_path": `D:\Queue`, "source_queue_logging_path": `L:\QueueLogs`}},
	{Verb: providers.VerbReplayLogs, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB01", "log_file_prefix": "trn",
		"queue_path": `C:\Program Files\Microsoft\Exchange Server\TransportRoles\data\Queue\`, "queue_logging_path": `L:\Queue Logs`}},
	{Verb: providers.VerbDefragment, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB01"}},
	{Verb: providers.VerbDrainQueue, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB02"}},
	{Verb: providers.VerbRestoreQueue, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB02"}},
	{Verb: providers.VerbRepairDatabase, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB01", "queue_path": `C:\Program Files\Microsoft\Exchange Server\TransportRoles\data\Queue`}, Loss: "what the damaged pages held"},
	{Verb: providers.VerbRotateQueue, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB01"}},
	{Verb: providers.VerbRetryQueue, Identity: `HUB01\mail.que`, Args: map[string]string{"queue_server": "HUB01", "queues": "MBX01,Unreachable"}},
	{Verb: providers.VerbEnableCopy, Identity: `MBX01\SG1`, Args: map[string]string{"standby_machine": "MBX03", "replay_lag": "24h"}},
	{Verb: providers.VerbSeedCopy, Identity: `MBX01\SG1`, Args: map[string]string{"standby_machine": "MBX03"}},
	{Verb: providers.VerbActivateCopy, Identity: `MBX01\SG1`, Args: map[string]string{"standby_machine": "MBX03", "force": "true"}},
	{Verb: providers.VerbSetAsideLogs, Identity: `MBX01\SG1`, Args: map[string]string{"from": "6", "log_file_prefix": "E00", "log_folder_path": `D:\Exchange\SG1`},
		Reason: "log generation 6, the newest, fails its checksums"},
	{Verb: providers.VerbActivateCopy, Identity: `MBX01\SG1`, Args: map[string]string{"standby_machine": "MBX03", "force": "true", "on_standby": "true"}},
	{Verb: providers.VerbPlaceDatabase, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"source": `MBX03\SG1\DB1`, "source_server": "MBX03",
		"source_edb_file_path": `E:\Exchange\SG1\DB1.edb`, "edb_file_path": `E:\Exchange\SG1\DB1.edb`, "set_aside": "true"}},
	{Verb: providers.VerbRetryQueue, Identity: `HUB02\mail.que`, Args: map[string]string{"queue_server": "HUB02", "queues": "MBX02", "resubmit": "true"}},
	{Verb: providers.VerbMoveClusteredServer, Identity: "CMS1", Args: map[string]string{"target": "NODE2", "comment": "exdr: O'Brien's patch window"}},
	{Verb: providers.VerbActivateCopy, Identity: `CMS1\SG1`, Args: map[string]string{"cluster": "true", "node": "NODE2"}},
	{Verb: providers.VerbSetMailboxServer, Identity: "CMS1", Args: map[string]string{"auto_database_mount_dial": "good_availability"}},
	{Verb: providers.VerbNewPublicFolder, Identity: `MBX01\Public Folders\PF1`, Args: map[string]string{"path": `\O'Brien's Team\Calendars`, "server": "MBX01"}},
	{Verb: providers.VerbSetPublicFolderReplicas, Identity: `MBX01\Public Folders\PF1`, Args: map[string]string{"path": `\Calendars`, "replicas": "MBX01\\Public Folders\\PF1\nMBX02\\Public Folders\\PF2"}},
	{Verb: providers.VerbUpdatePublicFolders, Identity: `MBX02\Public Folders\PF2`, Args: map[string]string{"server": "MBX02", "sources": "MBX01", "folders": "\\Calendars=MBX01\n\\Contacts=MBX01"}},
	{Verb: providers.VerbCreateServer, Identity: "CMS1", Args: map[string]string{"server": "CMS1", "roles": "mailbox", "setup": "new_cms", "nodes": "NODE1,NODE2", "ip_address": "10.0.0.25"}},
	{Verb: providers.VerbCreateServer, Identity: "CMS1", Args: map[string]string{"server": "CMS1", "roles": "mailbox", "setup": "recover_cms", "nodes": "NODE3,NODE4"}},
	{Verb: providers.VerbCreateServer, Identity: "CMS1", Args: map[string]string{"server": "CMS1", "roles": "mailbox", "setup": "cluster_node", "node": "NODE1", "nodes": "NODE1,NODE2"}},
	{Verb: providers.VerbRemoveDatabase, Identity: `MBX03\SG1\DB1`, Args: map[string]string{"storage_group": `MBX03\SG1`, "edb_file_path": `E:\Exchange\SG1\DB1.edb`, "server": "MBX03"}},
}

func TestScriptForEveryVerb(t *testing.T) {
	g := goldie.New(t, goldie.WithFixtureDir("testdata/scripts"), goldie.WithNameSuffix(".golden"))
	seen := map[providers.Verb]bool{}
	for _, s := range steps {
		seen[s.Verb] = true
		spec, _ := providers.Spec(s.Verb)
		for _, need := range spec.Needs {
			if _, ok := s.Args[need]; !ok {
				t.Errorf("the %s step here lacks %s, which the planner always gives it", s.Verb, need)
			}
		}
		name := string(s.Verb)
		if s.Args["queue_server"] != "" && (s.Verb == providers.VerbRepairDatabase || s.Verb == providers.VerbReplayLogs || s.Verb == providers.VerbDefragment) {
			name += "_queue"
		}
		if s.Args["on_standby"] == "true" {
			name += "_on_standby"
		}
		if s.Args["set_aside"] == "true" {
			name += "_set_aside"
		}
		if s.Args["resubmit"] == "true" {
			name += "_resubmit"
		}
		if s.Args["validate_only"] == "true" {
			name += "_validate_only"
		}
		if s.Args["cluster"] == "true" {
			name += "_cluster"
		}
		if setup := s.Args["setup"]; s.Verb == providers.VerbCreateServer && setup != "recover_server" {
			name += "_" + s.Args["setup"]
		}
		t.Run(name, func(t *testing.T) {
			sc, err := For(s, Options{DomainController: "dc01.contoso.com"})
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			if sc.Manual != "" {
				out.WriteString("# MANUAL\n" + sc.Manual + "\n")
				if sc.ManualScript != "" {
					out.WriteString("# MANUAL SCRIPT\n" + sc.ManualScript)
				}
			} else {
				out.WriteString(sc.PowerShell)
			}
			out.WriteString("# VERIFY: " + sc.Verify + "\n")
			g.Assert(t, name, []byte(out.String()))
		})
	}
	for _, spec := range providers.Verbs {
		v := spec.Verb
		if !seen[v] {
			t.Errorf("no golden script for %s", v)
		}
	}
}

// A value from the configuration never leaves its literal, and one that
// cannot be quoted stops the script with an error naming the step.
func TestScriptQuotesEveryValue(t *testing.T) {
	s := &providers.Step{Verb: providers.VerbCreateStorageGroup, Identity: `MBX01\SG1`,
		Args: map[string]string{"server": "MBX01", "name": "SG1'; Remove-Item C:\\ -Recurse; '", "log_folder_path": `D:\x`, "system_folder_path": `D:\x`}}
	sc, err := For(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sc.PowerShell, `-Name 'SG1''; Remove-Item C:\ -Recurse; '''`) {
		t.Fatalf("not one literal:\n%s", sc.PowerShell)
	}
	s.Args["name"] = "SG1\nRemove-Item C:\\"
	if _, err := For(s, Options{}); err == nil || !strings.Contains(err.Error(), "create_storage_group") {
		t.Fatalf("a newline in a name: %v", err)
	}
}

// Every script exdr runs or shows through the ems provider binds against
// the documented parameter sets of the cmdlets it calls: the read, each
// verb's script and each manual step's script (the read: TestReadScriptBinds).
func TestEveryScriptBinds(t *testing.T) {
	for _, opts := range []Options{{}, {DomainController: "dc01.contoso.com"}} {
		for _, s := range steps {
			sc, err := For(s, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range []string{sc.PowerShell, sc.ManualScript} {
				if err := cmdlets.Check(text); err != nil {
					t.Errorf("%s: %v\n%s", s.Verb, err, text)
				}
			}
		}
	}
}

// hostile are values an administrator's names and paths may hold (or an
// attacker's): each must reach the shell as one literal, running nothing.
var hostile = []string{
	"O'Brien", "O\u2019Brien", "\u2018x\u2019", "\u201aq\u201b", `$(Remove-Item C:\pwned)`, "`Remove-Item C:\\pwned`",
	`"; Remove-Item C:\pwned; "`, `x'; Remove-Item C:\pwned; '`, `x\u2019; Remove-Item C:\pwned; \u2019`,
	`100%`, `a & Remove-Item C:\pwned`, `a; Remove-Item C:\pwned`, `a | Remove-Item C:\pwned`, `Sales East`, `..`, `#`, `@(1)`,
}

// withText is the step with its identity and every free-text argument
// (names, paths, sets) set to v; the arguments that choose the script's
// form (flags, booleans, durations) are kept.
func withText(s *providers.Step, v string) *providers.Step {
	form := func(k string) bool {
		switch k {
		case "copy", "force", "roll_forward", "method", "into", "value", "allow_file_restore", "circular_logging", "replay_lag", "use_database_retention_defaults", "auto_database_mount_dial", "cluster", "setup":
			return true
		}
		return strings.HasSuffix(k, "_retention") || strings.HasPrefix(k, "retain")
	}
	c := *s
	c.Args = map[string]string{}
	for k, a := range s.Args {
		c.Args[k] = a
		if !form(k) {
			c.Args[k] = v
		}
	}
	c.Identity = org.Identity(`MBX01\SG1\` + v)
	switch s.Verb {
	case providers.VerbNewPublicFolder, providers.VerbSetPublicFolderReplicas:
		// A public folder's path: the hostile text as a folder's name
		// and its parent's.
		c.Args["path"] = `\` + v + `\` + v
	case providers.VerbUpdatePublicFolders:
		c.Args["folders"] = `\` + v + "=" + v
	}
	return &c
}

// Every verb's script with every argument hostile runs the same commands
// as with a plain one, each binding: no value ends its literal.
func TestHostileValuesStayLiterals(t *testing.T) {
	names := func(script string) string {
		cmds, err := cmdlets.Commands(script)
		if err != nil {
			t.Fatalf("does not parse: %v\n%s", err, script)
		}
		var out []string
		for _, c := range cmds {
			out = append(out, c.Name)
		}
		return strings.Join(out, " ")
	}
	// holds reports whether a value the script passes to a command reads
	// back (as PowerShell reads the literal) with h whole inside it.
	holds := func(script, h string) bool {
		cmds, _ := cmdlets.Commands(script)
		for _, c := range cmds {
			for _, a := range c.Args {
				// The lexer gives a single-quoted string's value as
				// PowerShell reads it, between plain quotes.
				v, ok := strings.CutPrefix(a.Value, "'")
				if v, ok2 := strings.CutSuffix(v, "'"); ok && ok2 && strings.Contains(v, h) {
					return true
				}
			}
		}
		return false
	}
	for _, s := range steps {
		for _, h := range hostile {
			plain, bad := withText(s, "plain"), withText(s, h)
			ps, err1 := For(plain, Options{})
			bs, err2 := For(bad, Options{})
			if err1 != nil || err2 != nil {
				t.Fatalf("%s with %q: %v, %v", s.Verb, h, err1, err2)
			}
			// The line the plan shows, from the same renderer.
			if got, want := names(Show(bad)), names(Show(plain)); got != want {
				t.Errorf("%s with %q: the plan shows %s, want %s:\n%s", s.Verb, h, got, want, Show(bad))
			}
			for _, pair := range [][2]string{{ps.PowerShell, bs.PowerShell}, {ps.ManualScript, bs.ManualScript}, {Show(plain), Show(bad)}} {
				if holds(pair[0], "plain") && !holds(pair[1], h) {
					t.Errorf("%s: %q does not come back whole from:\n%s", s.Verb, h, pair[1])
				}
			}
			for _, pair := range [][2]string{{ps.PowerShell, bs.PowerShell}, {ps.ManualScript, bs.ManualScript}} {
				if got, want := names(pair[1]), names(pair[0]); got != want {
					t.Errorf("%s with %q runs %s, want %s:\n%s", s.Verb, h, got, want, pair[1])
				}
				if err := cmdlets.Check(pair[1]); err != nil {
					t.Errorf("%s with %q: %v", s.Verb, h, err)
				}
			}
		}
	}
}

// A streaming restore: the backup software is told the temporary folder,
// restore.env lands in <temporary folder>\<storage group name>, and hard
// recovery runs there (How to Run Eseutil /C, aa998303); without roll
// forward, /t keeps the later logs out (KB 298901). Before, the script
// ran eseutil /cc on another folder than the plan named, never told the
// person the temporary folder, and rolled forward a point-in-time
// restore.
func TestStreamingRestoreFolders(t *testing.T) {
	env := `E:\Exchange\SG1\exdr-restore\SG1`
	restore, err := For(&providers.Step{Verb: providers.VerbRestoreBackup, Identity: `MBX01\SG1\DB1`,
		Args: map[string]string{"sets": "full-1", "temp_folder": `E:\Exchange\SG1\exdr-restore`, "restore_env_folder": env}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(restore.Manual, `temporary location for log and patch files: E:\Exchange\SG1\exdr-restore`) || !strings.Contains(restore.Manual, "Last Restore Set") {
		t.Errorf("the restore step does not name the temporary folder:\n%s", restore.Manual)
	}
	for _, tt := range []struct {
		roll string
		want string
	}{{"true", "  eseutil.exe /cc '" + env + "'\n"}, {"false", "  eseutil.exe /cc '" + env + "' /t\n"}} {
		hard, err := For(&providers.Step{Verb: providers.VerbHardRecovery, Identity: `MBX01\SG1\DB1`,
			Args: map[string]string{"roll_forward": tt.roll, "restore_env_folder": env}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(hard.PowerShell, tt.want) {
			t.Errorf("roll_forward %s:\n%s", tt.roll, hard.PowerShell)
		}
	}
}

// TestWriteScriptCorpus writes every script the ems provider runs or
// shows (each verb's script and manual script, and each again
// with every argument hostile) into $EXDR_PS_CORPUS, for CI to parse
// with an independent PowerShell grammar (.ci/psparse). Without the
// variable it is skipped.
func TestWriteScriptCorpus(t *testing.T) {
	dir := os.Getenv("EXDR_PS_CORPUS")
	if dir == "" {
		t.Skip("EXDR_PS_CORPUS names no folder")
	}
	write := func(name, script string) {
		if script == "" {
			return
		}
		if err := os.WriteFile(filepath.Join(dir, name+".ps1"), []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for n, s := range steps {
		for i, h := range append([]string{""}, hostile...) {
			step := s
			if h != "" {
				step = withText(s, h)
			}
			sc, err := For(step, Options{DomainController: "dc01.contoso.com"})
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("ems_%02d_%s_%02d", n, s.Verb, i)
			write(name, sc.PowerShell)
			write(name+"_manual", sc.ManualScript)
		}
	}
}

// Dial tone on a real server: the damaged file goes aside before
// Mount-Database -Force (which would otherwise meet it), and the
// recovery database is mounted again after the swap, as Restore-Mailbox
// needs for the merge. Before, neither was done.
func TestDialToneOrder(t *testing.T) {
	empty, err := For(&providers.Step{Verb: providers.VerbCreateEmptyDatabase, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"kind": "mailbox", "edb_file_path": `E:\SG1\DB1.edb`}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	aside, force := strings.Index(empty.PowerShell, "Move-Item -LiteralPath $path"), strings.Index(empty.PowerShell, "Mount-Database -Identity 'MBX01\\SG1\\DB1' -Force")
	if aside < 0 || force < 0 || aside > force {
		t.Errorf("the file is not set aside before the forced mount:\n%s", empty.PowerShell)
	}
	swap, err := For(&providers.Step{Verb: providers.VerbSwapDatabases, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"rsg_database": `MBX01\Recovery Storage Group\DB1`}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	moved, mounted := strings.LastIndex(swap.PowerShell, "Move-Item"), strings.Index(swap.PowerShell, "Mount-Database -Identity 'MBX01\\Recovery Storage Group\\DB1'")
	if mounted < 0 || mounted < moved {
		t.Errorf("the recovery database is not mounted after the swap:\n%s", swap.PowerShell)
	}
}

// A restore into a recovery storage group moves nothing of production:
// the runbook told the person to set the production database aside.
func TestRecoveryGroupRestoreLeavesProduction(t *testing.T) {
	sc, err := For(&providers.Step{Verb: providers.VerbRestoreBackup, Identity: `MBX01\Recovery Storage Group\DB1`,
		Args: map[string]string{"sets": "full-1", "into": "recovery_storage_group", "temp_folder": `R:\RSG\exdr-restore`, "restore_env_folder": `R:\RSG\exdr-restore\SG1`}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sc.Manual, "exdr-aside") || !strings.Contains(sc.Manual, "move nothing of the production database") ||
		!strings.Contains(sc.Manual, `R:\RSG\exdr-restore`) {
		t.Fatalf("%s", sc.Manual)
	}
}

// The Edge steps on a real server use absolute paths on the Edge, check
// the answer file, and subscribe with the Exchange 2007 form (-FileName
// on both sides); before, the subscription was "New-EdgeSubscription ..."
// and the import read a repository-relative path on the server.
func TestEdgeSteps(t *testing.T) {
	validate, err := For(&providers.Step{Verb: providers.VerbValidateEdgeConfig, Identity: "EDGE01", Args: map[string]string{"server": "EDGE01", "cloned_config": "edge/EDGE01.xml"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(validate.ManualScript, `-CloneConfigData:'C:\exdr\EDGE01.xml' -IsImport $false -CloneConfigAnswer:'C:\exdr\EDGE01-answer.xml'`) ||
		!strings.Contains(validate.ManualScript, `if (-not (Test-Path -LiteralPath 'C:\exdr\EDGE01-answer.xml'))`) {
		t.Errorf("validate:\n%s", validate.ManualScript)
	}
	sub, err := For(&providers.Step{Verb: providers.VerbSubscribeEdge, Identity: "EDGE01", Args: map[string]string{"server": "EDGE01", "site": "HQ"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sub.ManualScript, "...") || strings.Contains(sub.ManualScript, "FileData") ||
		!strings.Contains(sub.ManualScript, `New-EdgeSubscription -FileName 'C:\exdr\EDGE01-subscription.xml' -Site 'HQ'`) {
		t.Errorf("subscribe:\n%s", sub.ManualScript)
	}
	if _, err := For(&providers.Step{Verb: providers.VerbSubscribeEdge, Identity: "EDGE01", Args: map[string]string{"server": "EDGE01"}}, Options{}); err == nil || !strings.Contains(err.Error(), "names no Active Directory site") {
		t.Errorf("no site: %v", err)
	}
}

// A step without an argument its verb needs (a plan saved by an older
// exdr) is refused, never written with a guess. Before, a saved
// RecoverServer step without "setup" told the person Setup.com
// /mode:Install, and a public folder set_database without "kind" ran
// Set-MailboxDatabase.
func TestStepWithoutNeededArgumentIsRefused(t *testing.T) {
	for _, s := range []*providers.Step{
		{Verb: providers.VerbCreateServer, Identity: "MBX01", Args: map[string]string{"server": "MBX01", "roles": "mailbox"}},
		{Verb: providers.VerbSetDatabase, Identity: `MBX01\SG2\PF1`, Args: map[string]string{"deleted_item_retention": "7d"}},
	} {
		if _, err := For(s, Options{}); err == nil || !strings.Contains(err.Error(), "plan again") {
			t.Errorf("%s without its arguments: %v", s.Verb, err)
		}
		if got := Show(s); !strings.HasPrefix(got, "# ") || !strings.Contains(got, "plan again") {
			t.Errorf("%s shows %q", s.Verb, got)
		}
	}
}

// A mailbox declared without an owner is enabled for the account named
// as its alias, never with an empty -Identity, which no shell runs.
func TestEnableMailboxWithoutOwner(t *testing.T) {
	sc, err := For(&providers.Step{Verb: providers.VerbCreateMailbox, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"mailbox": "alice", "owner": ""}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sc.PowerShell, "Enable-Mailbox -Identity 'alice' -Alias 'alice'") || strings.Contains(sc.PowerShell, "-Identity ''") {
		t.Fatalf("script:\n%s", sc.PowerShell)
	}
	if err := cmdlets.Check(sc.PowerShell); err != nil {
		t.Fatal(err)
	}
}

// Connect-Mailbox joins a mailbox to an existing user account (-User, a
// UserIdParameter): without a declared owner, the account named as the
// alias, as Enable-Mailbox does, never an empty -User; and the script
// stops, saying what to do, where no such account exists (its account
// was deleted).
func TestConnectMailboxWithoutOwner(t *testing.T) {
	sc, err := For(&providers.Step{Verb: providers.VerbConnectMailbox, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"mailbox": "alice", "owner": ""}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	connect := strings.Index(sc.PowerShell, "Connect-Mailbox -Identity 'alice' -Database 'MBX01\\SG1\\DB1' -User 'alice' -Alias 'alice'")
	check := strings.Index(sc.PowerShell, "Get-User -Identity 'alice'")
	if connect < 0 || check < 0 || check > connect || strings.Contains(sc.PowerShell, "-User ''") {
		t.Fatalf("script:\n%s", sc.PowerShell)
	}
	if err := cmdlets.Check(sc.PowerShell); err != nil {
		t.Fatal(err)
	}
}

// A mailbox made or reconnected with per-mailbox retention in its block
// gets it in the same step, as the lab's step sets it: Enable-Mailbox
// and Connect-Mailbox take no retention, so Set-Mailbox follows, in the
// script and in the line the plan shows.
func TestMailboxStepsSetTheirRetention(t *testing.T) {
	retention := map[string]string{"use_database_retention_defaults": "false", "retain_deleted_items_for": "90d", "retain_deleted_items_until_backup": "true"}
	set := "Set-Mailbox -Identity 'newbie' -UseDatabaseRetentionDefaults $false -RetainDeletedItemsFor '90.00:00:00' -RetainDeletedItemsUntilBackup $true"
	for _, tt := range []struct {
		verb  providers.Verb
		first string
	}{
		{providers.VerbCreateMailbox, "Enable-Mailbox -Identity 'CONTOSO\\newbie'"},
		{providers.VerbConnectMailbox, "Connect-Mailbox -Identity 'newbie'"},
	} {
		t.Run(string(tt.verb), func(t *testing.T) {
			args := map[string]string{"mailbox": "newbie", "owner": `CONTOSO\newbie`}
			for k, v := range retention {
				args[k] = v
			}
			step := &providers.Step{Verb: tt.verb, Identity: `MBX01\SG1\DB1`, Args: args}
			sc, err := For(step, Options{})
			if err != nil {
				t.Fatal(err)
			}
			first, then := strings.Index(sc.PowerShell, tt.first), strings.Index(sc.PowerShell, set)
			if first < 0 || then < first {
				t.Fatalf("script:\n%s", sc.PowerShell)
			}
			if err := cmdlets.Check(sc.PowerShell); err != nil {
				t.Fatal(err)
			}
			if shown := Show(step); !strings.Contains(shown, tt.first) || !strings.Contains(shown, set) {
				t.Fatalf("shown: %s", shown)
			}
			// Without retention in its block, no Set-Mailbox.
			plain := &providers.Step{Verb: tt.verb, Identity: `MBX01\SG1\DB1`, Args: map[string]string{"mailbox": "newbie", "owner": `CONTOSO\newbie`}}
			if shown := Show(plain); strings.Contains(shown, "Set-Mailbox") {
				t.Fatalf("shown without retention: %s", shown)
			}
		})
	}
}
