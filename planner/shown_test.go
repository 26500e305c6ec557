package planner

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems/cmdlets"
	"github.com/exdr/exdr/providers/ems/script"
)

// TestMain holds every plan the planner's tests make to one more rule
// once they have run: the command a plan shows for a step is what the
// ems provider runs for it (shownIsRun).
func TestMain(m *testing.M) {
	var mu sync.Mutex
	var plans []*Plan
	testHookPlanned = func(p *Plan) {
		mu.Lock()
		defer mu.Unlock()
		plans = append(plans, p)
	}
	code := m.Run()
	if dir := os.Getenv("EXDR_PS_CORPUS"); dir != "" && code == 0 {
		if err := writeShownCorpus(dir, plans); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	if code == 0 && len(plans) > 0 {
		// Only a whole run plans every verb; -run picks some tests.
		for _, spec := range providers.Verbs {
			if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
				break
			}
			if !planned(plans, spec.Verb) {
				fmt.Fprintf(os.Stderr, "--- FAIL: no plan of the planner's tests has a %s step: what it shows is unchecked\n", spec.Verb)
				code = 1
			}
		}
		if problems := shownIsRun(plans); len(problems) > 0 {
			fmt.Fprintf(os.Stderr, "--- FAIL: the command a plan shows is not what the ems provider runs (%d steps):\n%s\n", len(problems), strings.Join(problems, "\n"))
			code = 1
		}
	}
	os.Exit(code)
}

// shownIsRun checks each step of the plans: every command its Command
// line shows (the parts before a trailing "#" comment, between "; ")
// appears, character for character, in the script the ems provider runs
// for the step, or in the manual step's instructions and script. Before,
// the planner wrote its own commands: Set-MailboxDatabase
// -DeletedItemRetention 14.00:00:00 shown, '14.00:00:00' run; eseutil
// /r with paths the script looked up again; Mount-Database shown for an
// empty database the script first set aside.
func shownIsRun(plans []*Plan) []string {
	var problems []string
	seen := map[string]bool{}
	for _, p := range plans {
		for _, s := range p.Steps {
			sc, err := script.For(s, script.Options{})
			if err != nil {
				// The one refusal by design: an Edge subscription with no
				// site to subscribe to (its own test says why). Any other
				// step the renderer cannot write is a planner bug.
				if s.Verb == providers.VerbSubscribeEdge && s.Args["site"] == "" {
					continue
				}
				problems = append(problems, fmt.Sprintf("  %s cannot be written for the ems provider: %v", s.ID, err))
				continue
			}
			if err := cmdlets.Check(s.Command); err != nil && !seen[s.Command] {
				seen[s.Command] = true
				problems = append(problems, fmt.Sprintf("  %s shows a line that does not bind: %v\n    %s", s.ID, err, s.Command))
			}
			run := sc.PowerShell + "\n" + sc.ManualScript + "\n" + sc.Manual
			for _, part := range shownCommands(s.Command) {
				if !strings.Contains(run, part) && !seen[string(s.Verb)+part] {
					seen[string(s.Verb)+part] = true
					problems = append(problems, fmt.Sprintf("  %s shows %q; the ems provider runs:\n%s", s.ID, part, indent(run)))
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// planned reports whether a step of the verb is in one of the plans.
func planned(plans []*Plan, v providers.Verb) bool {
	for _, p := range plans {
		for _, s := range p.Steps {
			if s.Verb == v {
				return true
			}
		}
	}
	return false
}

// shownCommands splits a shown command line into its commands: the text
// before a trailing comment, at each "; " outside a quoted literal.
func shownCommands(line string) []string {
	var parts []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			quoted = !quoted // a doubled quote flips twice: still inside
		case !quoted && c == '#' && (i == 0 || line[i-1] == ' '):
			line = line[:i]
		case !quoted && c == ';' && i+1 < len(line) && line[i+1] == ' ':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		if i < len(line) {
			cur.WriteByte(c)
		}
	}
	parts = append(parts, strings.TrimSpace(cur.String()))
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// writeShownCorpus writes each distinct command line the plans show into
// dir, for CI to parse with an independent PowerShell grammar
// (.ci/psparse), as it parses the scripts. A line that is all comment
// (a manual step's prose) is left out: the grammar reads a file of one
// comment as an error, and PowerShell runs nothing of it.
func writeShownCorpus(dir string, plans []*Plan) error {
	seen := map[string]bool{}
	for _, p := range plans {
		for _, s := range p.Steps {
			if seen[s.Command] || strings.HasPrefix(s.Command, "#") {
				continue
			}
			seen[s.Command] = true
			name := filepath.Join(dir, fmt.Sprintf("plan_%s_%03d.ps1", s.Verb, len(seen)))
			if err := os.WriteFile(name, []byte(s.Command+"\n"), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n    ")
}

// The check itself: a command shown but not run is named; a comment, a
// quoted "; " or "#" inside a literal, and a command run are not.
func TestShownIsRunCatchesADifference(t *testing.T) {
	step := func(cmd string) *Plan {
		return &Plan{Steps: []*providers.Step{{ID: "x:mount", Verb: providers.VerbMount, Identity: `MBX01\SG1\DB1`, Command: cmd}}}
	}
	for cmd, want := range map[string]int{
		`Mount-Database -Identity 'MBX01\SG1\DB1'`:                                                              0,
		`Mount-Database -Identity 'MBX01\SG1\DB1'  # on MBX01; or not`:                                          0,
		`Mount-Database -Identity "MBX01\SG1\DB1"`:                                                              1,
		`Mount-Database -Identity 'MBX01\SG1\DB1'; Dismount-Database -Identity 'MBX01\SG1\DB1' -Confirm:$false`: 1,
		`Mount-Database -Identity 'MBX01\SG1\DB1' -Bogus`:                                                       2,
		`# only a comment`: 0,
	} {
		if got := len(shownIsRun([]*Plan{step(cmd)})); got != want {
			t.Errorf("%s: %d problems, want %d", cmd, got, want)
		}
	}
	if got := shownCommands(`Set-X -Name 'a; b # c'; Get-Y  # where`); strings.Join(got, "|") != `Set-X -Name 'a; b # c'|Get-Y` {
		t.Errorf("split: %q", got)
	}
}

// A step on a database's files names the files the read found, not the
// configuration's: after the configuration moved DB1's file (a change
// exdr does not make), a crash is recovered where the file is. Failing
// before: the plan showed, and the ems script would have run, eseutil /r
// with /d on the configuration's folder.
func TestFileStepsUseTheLivePaths(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	desired.Databases[0].EdbFilePath = `F:\Moved\DB1.edb`
	h := liveDB(live, "DB1").Health
	h.Mounted, h.State, h.LogRequired = false, org.StateDirty, org.LogRange{Low: 3, High: 5}
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	s := p.Step("mailbox_database.DB1:replay_logs")
	if s == nil {
		t.Fatalf("no replay: %s", ids(p))
	}
	if got, want := s.Args["edb_file_path"], liveDB(live, "DB1").EdbFilePath; got != want {
		t.Errorf("replay works on %s, want the live file %s", got, want)
	}
	if !strings.Contains(s.Command, `'/dE:\Exchange\SG1'`) {
		t.Errorf("shows %s", s.Command)
	}
}
