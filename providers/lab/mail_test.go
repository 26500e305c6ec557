package lab

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/store"
	"github.com/exdr/exdr/providers/lab/transport"
)

func subjects(in *store.Inspection, mailbox string) []string {
	var out []string
	for _, it := range in.Mailboxes[mailbox] {
		out = append(out, it.Subject)
	}
	return out
}

func inspect(t *testing.T, l *Lab) *store.Inspection {
	t.Helper()
	in, err := l.Inspect(db1)
	if err != nil {
		t.Fatal(err)
	}
	if in.ContentError != "" {
		t.Fatalf("inspect: %s", in.ContentError)
	}
	return in
}

func TestTrafficIsLoggedThenCheckpointed(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	rep, err := l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 3, Items: 40, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Delivered[db1] != 120 {
		t.Fatalf("delivered %v, want 120 to DB1", rep.Delivered)
	}
	in := inspect(t, l)
	if in.Items() != 120 || len(in.MailboxNames()) != 3 || !in.Mounted {
		t.Fatalf("mounted database shows %d items in %d mailboxes", in.Items(), len(in.MailboxNames()))
	}
	want := "Message 40 to db1-user003"
	if got := subjects(in, "db1-user003"); len(got) != 40 || got[39] != want {
		t.Fatalf("db1-user003 holds %d items, last %q; want 40, last %q", len(got), got[len(got)-1], want)
	}
	apply(t, l, providers.VerbDismount, db1)
	if in := inspect(t, l); in.Items() != 120 || in.Pending != 0 || in.State != org.StateClean {
		t.Fatalf("after dismount the pages hold %d items, %d pending, %s", in.Items(), in.Pending, in.State)
	}
}

func TestCrashLosesOnlyWhatReplayBringsBack(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 10, Seed: 1})
	apply(t, l, providers.VerbDismount, db1) // 20 items in the pages
	apply(t, l, providers.VerbMount, db1)
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 15, Seed: 1}) // 30 more, in the log only
	if err := l.Crash("MBX01"); err != nil {
		t.Fatal(err)
	}
	in := inspect(t, l)
	if in.Mounted || in.State != org.StateDirty || in.Items() != 20 || in.Pending == 0 {
		t.Fatalf("after the crash: mounted %v, %s, %d items in the pages, %d pending; want 20 and some pending",
			in.Mounted, in.State, in.Items(), in.Pending)
	}
	apply(t, l, providers.VerbReplayLogs, db1)
	in = inspect(t, l)
	if in.Items() != 50 || in.State != org.StateClean {
		t.Fatalf("after soft recovery the pages hold %d items (%s), want 50", in.Items(), in.State)
	}
	for _, mb := range []string{"db1-user001", "db1-user002"} {
		got := subjects(in, mb)
		for i, s := range got {
			if want := fmt.Sprintf("Message %d to %s", i+1, mb); s != want {
				t.Fatalf("%s item %d is %q, want %q", mb, i, s, want)
			}
		}
		if len(got) != 25 {
			t.Fatalf("%s holds %d items, want 25", mb, len(got))
		}
	}
}

func TestTrafficIsDeterministic(t *testing.T) {
	bodies := func() []string {
		l := newLab(t)
		apply(t, l, providers.VerbMount, db1)
		l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 1, Items: 5, Seed: 42})
		var out []string
		for _, it := range inspect(t, l).Mailboxes["db1-user001"] {
			out = append(out, it.Subject+"|"+it.From+"|"+it.Body)
		}
		return out
	}
	a, b := bodies(), bodies()
	if fmt.Sprint(a) != fmt.Sprint(b) || len(a) != 5 {
		t.Fatalf("the same seed gave different mail:\n%v\n%v", a, b)
	}
}

func TestLongTrafficCheckpointsAndGrowsTheFile(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	// Enough mail to roll the log over several generations.
	for range 12 {
		if _, err := l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 4, Items: 250, Seed: 3}); err != nil {
			t.Fatal(err)
		}
	}
	o, _ := l.Read(context.Background())
	if o.StorageGroups[0].Health.OnDisk.High < store.CheckpointDepth {
		t.Fatalf("the log reached generation %d only", o.StorageGroups[0].Health.OnDisk.High)
	}
	if o.StorageGroups[0].Health.Checkpoint < 2 {
		t.Fatalf("the checkpoint stayed at %d while the log ran ahead", o.StorageGroups[0].Health.Checkpoint)
	}
	l.Crash("MBX01")
	apply(t, l, providers.VerbReplayLogs, db1)
	in := inspect(t, l)
	if in.Items() != 12000 || in.Pages <= ese.InitialPages {
		t.Fatalf("after crash and replay: %d items in %d pages, want 12000 in a grown file", in.Items(), in.Pages)
	}
}

func TestRepairLosesExactlyTheItemsAtRisk(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 100) // 200 items over a few pages
	apply(t, l, providers.VerbDismount, db1)
	before := inspect(t, l)
	path, _ := l.DatabaseFile(db1)
	f, _ := os.OpenFile(path, os.O_RDWR, 0)
	f.WriteAt([]byte("XXXX"), 4*ese.PageSize+40)
	f.Close()
	o, _ := l.Read(context.Background())
	h := o.Databases[0].Health
	if len(h.BadPages) != 1 || h.ItemsAtRisk == 0 {
		t.Fatalf("bad pages %v, items at risk %d", h.BadPages, h.ItemsAtRisk)
	}
	for _, v := range []providers.Verb{providers.VerbRepairDatabase, providers.VerbIntegrityCheck, providers.VerbDefragment, providers.VerbMount} {
		apply(t, l, v, db1)
		apply(t, l, v, db1) // each harmless twice
	}
	after := inspect(t, l)
	if lost := before.Items() - after.Items(); lost != h.ItemsAtRisk {
		t.Fatalf("repair lost %d items; the plan said about %d", lost, h.ItemsAtRisk)
	}
	if after.Pages > before.Pages || after.RepairCount != 1 {
		t.Fatalf("after defragmentation: %d pages (had %d), repair count %d", after.Pages, before.Pages, after.RepairCount)
	}
	// The items that survived are intact and still deliverable to.
	traffic(t, l, 1)
	if in := inspect(t, l); in.Items() != after.Items()+2 {
		t.Fatalf("after repair, delivery gives %d items, want %d", in.Items(), after.Items()+2)
	}
}
