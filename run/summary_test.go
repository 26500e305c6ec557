package run

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/exdr/exdr/executor"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
)

// restorePlan is a restore of DB1 with roll-forward, and DB2 mounted.
func restorePlan() *planner.Plan {
	p := &planner.Plan{Organization: "Contoso"}
	add := func(addr string, verb providers.Verb, deps ...string) {
		p.Steps = append(p.Steps, &providers.Step{ID: providers.StepID(addr, verb), Address: addr, Verb: verb, DependsOn: deps})
	}
	add("mailbox_database.DB1", providers.VerbDismount)
	add("mailbox_database.DB1", providers.VerbAllowFileRestore, "mailbox_database.DB1:dismount")
	add("mailbox_database.DB1", providers.VerbRestoreBackup, "mailbox_database.DB1:allow_file_restore")
	add("mailbox_database.DB1", providers.VerbHardRecovery, "mailbox_database.DB1:restore_backup")
	add("mailbox_database.DB1", providers.VerbMount, "mailbox_database.DB1:hard_recovery")
	add("mailbox_database.DB2", providers.VerbMount)
	return p
}

func outcome(statuses []executor.Status, interrupted bool, lockLost, failure error) *Outcome {
	p := restorePlan()
	res := &executor.Result{Status: map[string]executor.Status{}, Err: failure}
	for i, s := range p.Steps {
		res.Status[s.ID] = statuses[i]
	}
	return &Outcome{Plan: p, Result: res, Interrupted: interrupted, LockLost: lockLost, Elapsed: 1234 * time.Millisecond}
}

func TestSummary(t *testing.T) {
	const (
		D = executor.Done
		S = executor.Stopped
		C = executor.Cancelled
		F = executor.Failed
		K = executor.Skipped
	)
	cases := []struct {
		name string
		o    *Outcome
	}{
		{"complete", outcome([]executor.Status{D, D, D, D, D, D}, false, nil, nil)},
		// Ctrl-C during the restore: it finished, nothing after it started.
		{"interrupted", outcome([]executor.Status{D, D, D, S, S, D}, true, nil, nil)},
		// A second Ctrl-C cancelled the restore while it ran.
		{"cancelled", outcome([]executor.Status{D, D, C, S, S, D}, true, nil, errors.New("restore_backup: context canceled"))},
		{"failed", outcome([]executor.Status{D, D, F, K, K, D}, false, nil, errors.New("boom"))},
		{"lock_lost", outcome([]executor.Status{D, D, C, S, S, S}, true, errors.New("the lock 0a1b was lost while held: someone ran force-unlock"), nil)},
		// Every step reported done, yet the run was interrupted (the last
		// step ended as the interrupt came): it is not "complete".
		{"interrupted_all_done", outcome([]executor.Status{D, D, D, D, D, D}, true, nil, nil)},
	}
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden"))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteSummary(&b, c.o, SummaryOptions{}); err != nil {
				t.Fatal(err)
			}
			g.Assert(t, "summary_"+c.name, b.Bytes())
		})
	}
}

func TestCheckRendering(t *testing.T) {
	steps := restorePlan().Steps
	cases := []struct {
		name string
		c    *Check
	}{
		{"matches", &Check{}},
		{"remains", &Check{Remaining: steps[3:]}},
		{"remains_one", &Check{Remaining: steps[5:]}},
		{"targeted_matches_all", &Check{Targets: []string{"mailbox_database.DB2"}}},
		{"targeted_left_out", &Check{Targets: []string{"mailbox_database.DB2"}, LeftOut: map[string]int{"mailbox_database.DB1": 4, "server.MBX01": 1}}},
		{"targeted_remains", &Check{Targets: []string{"mailbox_database.DB2"}, Remaining: steps[5:]}},
		{"targeted_rest_refused", &Check{Targets: []string{"mailbox_database.DB2"}, Rest: fmt.Errorf("Recovery would lose data:\n DB1 has no backup")}},
		{"unreadable", &Check{Err: errors.New("read the organization after the run: MBX01 does not answer")}},
		{"interrupted", &Check{Err: ErrCheckInterrupted}},
		{"database_unreadable", &Check{Unreadable: []planner.Unreadable{{Address: "mailbox_database.DB1", Identity: `MBX01\SG1\DB1`, Why: "eseutil /mh cannot read the file: error -1032"}}}},
	}
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".golden"))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCheck(&b, c.c); err != nil {
				t.Fatal(err)
			}
			g.Assert(t, "check_"+c.name, b.Bytes())
		})
	}
}
