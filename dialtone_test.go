package main

import (
	"bytes"
	"context"
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
// disaster and every dial-tone item is there, none twice.
func TestDialToneKeepsEveryItem(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "quickstart")
	if err := copyConfig("examples/quickstart", dir); err != nil {
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
	res := executor.Run(ctx, p, func(ctx context.Context, st *providers.Step) error {
		if err := l.Apply(ctx, st, nil); err != nil {
			return err
		}
		if st.ID == "mailbox_database.DB2:mount" {
			// Users at work in the dial-tone database.
			rep, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: 2, Items: 3, Seed: 9})
			dialToneItems = rep.Delivered[db2]
			return err
		}
		return nil
	}, executor.Options{Parallelism: 1})
	if res.Err != nil {
		t.Fatal(res.Err)
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
	if dialToneItems != 6 || in.Items() != 20+6 || !in.Mounted {
		t.Fatalf("after dial tone: %d items (want 20 from before and %d from dial tone), mounted %v", in.Items(), dialToneItems, in.Mounted)
	}
	p2, err := ws.readAndPlan(ctx, planner.Options{}, s)
	if err != nil || p2.Changes() {
		t.Fatalf("after the dial-tone recovery the plan still has %v (%v)", p2, err)
	}
}
