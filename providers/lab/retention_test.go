package lab

import (
	"context"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

func dumpster(t *testing.T, l *Lab, mailbox string) (visible, deleted int) {
	t.Helper()
	in := inspect(t, l)
	for _, it := range in.Mailboxes[mailbox] {
		if it.Deleted.IsZero() {
			visible++
		} else {
			deleted++
		}
	}
	return visible, deleted
}

func TestDeletedItemRetentionOnTheLabClock(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 10)
	if n, err := l.DeleteItems("db1-user001", 4); err != nil || n != 4 {
		t.Fatalf("deleted %d, %v", n, err)
	}
	if v, d := dumpster(t, l, "db1-user001"); v != 6 || d != 4 {
		t.Fatalf("after deleting: %d visible, %d in the dumpster", v, d)
	}
	// Within the 14 days of the database's default: kept.
	if _, err := l.Advance(13 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, d := dumpster(t, l, "db1-user001"); d != 4 {
		t.Fatalf("after 13 days the dumpster holds %d, want 4", d)
	}
	rep, err := l.Advance(2 * 24 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if v, d := dumpster(t, l, "db1-user001"); v != 6 || d != 0 || rep.Items[db1] != 4 {
		t.Fatalf("after 15 days: %d visible, %d in the dumpster, %d purged", v, d, rep.Items[db1])
	}
}

func TestRetainUntilBackup(t *testing.T) {
	l := newLab(t)
	l.Apply(context.Background(), &providers.Step{Verb: providers.VerbSetDatabase, Identity: db1,
		Args: map[string]string{"retain_deleted_items_until_backup": "true", "deleted_item_retention": "1d"}}, nil)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 5)
	l.DeleteItems("db1-user002", 5)
	l.Advance(3 * 24 * time.Hour)
	if _, d := dumpster(t, l, "db1-user002"); d != 5 {
		t.Fatalf("past retention but not backed up: %d in the dumpster, want 5", d)
	}
	takeBackup(t, l, org.BackupFull)
	l.Advance(time.Hour)
	if _, d := dumpster(t, l, "db1-user002"); d != 0 {
		t.Fatalf("after a backup: %d still in the dumpster", d)
	}
}

func TestDisabledMailboxIsKeptThenPurged(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 3)
	if err := l.DisableMailbox("db1-user001"); err != nil {
		t.Fatal(err)
	}
	o, _ := l.Read(context.Background())
	var mb *org.Mailbox
	for _, m := range o.Mailboxes {
		if m.Name == "db1-user001" {
			mb = m
		}
	}
	if mb == nil || mb.Health.InDirectory || !mb.Health.InStore || mb.Health.Disconnected.IsZero() {
		t.Fatalf("disabled mailbox reads as %+v", mb)
	}
	// Connect-Mailbox within retention brings it back with its items.
	step := &providers.Step{Verb: providers.VerbConnectMailbox, Identity: db1, Args: map[string]string{"mailbox": "db1-user001", "owner": `CONTOSO\alice`}}
	if err := l.Apply(context.Background(), step, nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := dumpster(t, l, "db1-user001"); v != 3 {
		t.Fatalf("reconnected mailbox holds %d items, want 3", v)
	}
	l.DisableMailbox("db1-user001")
	rep, err := l.Advance(31 * 24 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if in := inspect(t, l); len(in.Mailboxes["db1-user001"]) != 0 || in.Items() != 3 {
		t.Fatalf("after the mailbox retention: db1-user001 has %d items, the database %d; want it purged, db1-user002 kept",
			len(in.Mailboxes["db1-user001"]), in.Items())
	}
	// Its items went with the mailbox: none was ever in the dumpster.
	if rep.Items[db1] != 0 || rep.MailboxItems[db1] != 3 || len(rep.Mailboxes[db1]) != 1 {
		t.Fatalf("purge report: %d dumpster items, %d mailbox items, mailboxes %v; want 0, 3, [db1-user001]",
			rep.Items[db1], rep.MailboxItems[db1], rep.Mailboxes[db1])
	}
	if err := l.Apply(context.Background(), step, nil); err == nil {
		t.Fatal("connected a purged mailbox")
	}
}

func TestCleanMailboxDatabaseNoticesARemovedAccount(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 2)
	l.RemoveAccount("db1-user002")
	find := func() *org.Mailbox {
		o, _ := l.Read(context.Background())
		for _, m := range o.Mailboxes {
			if m.Name == "db1-user002" {
				return m
			}
		}
		return nil
	}
	if m := find(); m.Health.InDirectory || !m.Health.Disconnected.IsZero() {
		t.Fatalf("before Clean-MailboxDatabase: %+v", m.Health)
	}
	apply(t, l, providers.VerbCleanMailboxDB, db1)
	if m := find(); m.Health.Disconnected.IsZero() {
		t.Fatalf("after Clean-MailboxDatabase the mailbox is still connected")
	}
}
