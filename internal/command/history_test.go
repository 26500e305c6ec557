package command

import (
	"testing"
	"time"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/providers"
)

// A run's outcome is read from its journal entries, never from what the
// run said of itself.
func TestHistoryOutcome(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	e := func(step string, ev providers.JournalEvent) providers.JournalEntry {
		return providers.JournalEntry{Time: at, Apply: "r1", Step: step, Event: ev}
	}
	for _, tc := range []struct {
		name    string
		entries []providers.JournalEntry
		holder  string
		want    string
		counts  string
	}{
		{"every step done", []providers.JournalEntry{e("a", "start"), e("a", "done"), e("b", "start"), e("b", "done")}, "", "complete", "2/2"},
		{"killed mid-step", []providers.JournalEntry{e("a", "start"), e("a", "done"), e("b", "start")}, "", "interrupted", "1/2"},
		{"a step failed, its dependant skipped", []providers.JournalEntry{e("a", "start"), e("a", "failed"), e("b", "skipped")}, "", "failed", "0/2"},
		{"Ctrl-C: steps never started", []providers.JournalEntry{e("a", "start"), e("a", "done"), e("b", "skipped"), e("c", "skipped")}, "", "stopped", "1/3"},
		{"still running", []providers.JournalEntry{e("a", "start")}, "r1", "running", "0/1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs := backend.RunsFromJournal(tc.entries, 0)
			if len(runs) != 1 {
				t.Fatalf("%d runs", len(runs))
			}
			var holder *backend.LockInfo
			if tc.holder != "" {
				holder = &backend.LockInfo{ID: tc.holder}
			}
			if got := outcome(runs[0], holder); got != tc.want {
				t.Errorf("outcome %q, want %q", got, tc.want)
			}
			if got := stepCounts(runs[0]); got != tc.counts {
				t.Errorf("done %q, want %q", got, tc.counts)
			}
		})
	}
}
