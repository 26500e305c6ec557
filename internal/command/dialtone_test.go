package command

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exdr/exdr/executor"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab"
)

// TestDialToneKeepsEveryItem loses DB2's file with dial_tone on and an RTO
// no restore can meet, delivers mail while users work in the dial-tone
// database, and checks that afterwards every item from before the
// disaster and every dial-tone item is there, none twice. The recovery
// is also stopped after each of its steps (as a Ctrl-C would), mail
// delivered, and a new plan made from what the lab then shows must
// finish it with nothing lost.
func TestDialToneKeepsEveryItem(t *testing.T) {
	for _, stopAfter := range []string{
		"", // runs to the end
		"mailbox_database.DB2:create_empty_database",
		"mailbox_database.DB2:mount",
		"mailbox_database.DB2.dial_tone:create_recovery_storage_group",
		"mailbox_database.DB2.dial_tone:restore_backup",
		"mailbox_database.DB2.dial_tone:hard_recovery",
		"mailbox_database.DB2.dial_tone:swap_databases",
		"mailbox_database.DB2.dial_tone:restore_mailbox",
	} {
		name := "uninterrupted"
		if stopAfter != "" {
			name = "stopped_after_" + stopAfter[strings.LastIndex(stopAfter, ":")+1:]
		}
		t.Run(name, func(t *testing.T) { dialToneStoppedAfter(t, stopAfter) })
	}
}

var errStopped = errors.New("stopped, as a Ctrl-C would")

func dialToneStoppedAfter(t *testing.T, stopAfter string) {
	dir := filepath.Join(t.TempDir(), "quickstart")
	if err := copyConfig("../../examples/quickstart", dir); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "main.exdr.hcl")
	b, _ := os.ReadFile(main)
	os.WriteFile(main, bytes.Replace(b, []byte(`rto = "4h"`), []byte(`rto = "1s"`), 1), 0o644)

	s := &streams{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: io.Discard}
	if code := runCommand(context.Background(), []string{"apply", "-auto-approve", dir}, s); code != 0 {
		t.Fatalf("apply exited %d", code)
	}
	ws, err := openWorkspace(dir, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	l := lab.New(ws.provPath, "Contoso")
	ctx := context.Background()
	const db2 = org.Identity(`MBX01\SG2\DB2`)
	mail := func(items int) {
		t.Helper()
		if _, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: 2, Items: items, Seed: 3}); err != nil {
			t.Fatal(err)
		}
	}
	mail(5)
	if _, err := l.Backup(ctx, `MBX01\SG2`, org.BackupFull); err != nil {
		t.Fatal(err)
	}
	mail(5) // only in the logs: the roll-forward brings it back
	path, _ := l.DatabaseFile(db2)
	os.Remove(path)

	p, err := ws.readAndPlan(ctx, planner.Options{}, s)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	planner.WriteText(&text, p, planner.TextOptions{})
	for _, want := range []string{"dial tone: an empty database takes its place", "swap_databases", "merged back into the restored database"} {
		if !strings.Contains(text.String(), want) {
			t.Fatalf("the plan does not say %q:\n%s", want, text.String())
		}
	}
	dialToneItems := 0
	apply := func(p *planner.Plan, stopAfter string) error {
		return executor.Run(ctx, p, func(ctx context.Context, st *providers.Step) error {
			if err := l.Apply(ctx, st, nil); err != nil {
				return err
			}
			if st.ID == "mailbox_database.DB2:mount" && dialToneItems == 0 {
				// Users at work in the dial-tone database.
				rep, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: 2, Items: 3, Seed: 9})
				dialToneItems += rep.Delivered[db2] + rep.Queued[db2]
				if err != nil {
					return err
				}
			}
			if st.ID == stopAfter {
				return errStopped
			}
			return nil
		}, executor.Options{Parallelism: 1}).Err
	}
	if err := apply(p, stopAfter); err != nil && (stopAfter == "" || !errors.Is(err, errStopped)) {
		t.Fatal(err)
	}
	if stopAfter != "" {
		if dialToneItems == 0 {
			// Stopped before users could work: they do now, in whatever
			// database serves them.
			// (Queued on the hub when DB2 is not mounted: the plan
			// mounts it and the mail is delivered then.)
			rep, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: 2, Items: 3, Seed: 9})
			if err != nil {
				t.Fatal(err)
			}
			dialToneItems = rep.Delivered[db2] + rep.Queued[db2]
		}
		p, err := ws.readAndPlan(ctx, planner.Options{}, s)
		if err != nil {
			t.Fatal(err)
		}
		text.Reset()
		planner.WriteText(&text, p, planner.TextOptions{})
		if err := apply(p, ""); err != nil {
			t.Fatalf("%v; the plan after the stop:\n%s", err, text.String())
		}
	}
	in, err := l.Inspect(db2)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[uint64]bool{}
	for _, items := range in.Mailboxes {
		for _, it := range items {
			if ids[it.ID] {
				t.Fatalf("item %d is there twice", it.ID)
			}
			ids[it.ID] = true
		}
	}
	if dialToneItems < 6 || in.Items() != 20+dialToneItems || !in.Mounted {
		t.Fatalf("after dial tone: %d items (want 20 from before and %d from dial tone), mounted %v; the last plan:\n%s", in.Items(), dialToneItems, in.Mounted, text.String())
	}
	p2, err := ws.readAndPlan(ctx, planner.Options{}, s)
	if err != nil || p2.Changes() {
		t.Fatalf("after the dial-tone recovery the plan still has %v (%v)", p2, err)
	}
}
