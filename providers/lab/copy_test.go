package lab

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/transport"
)

func step(t *testing.T, l *Lab, s *providers.Step) {
	t.Helper()
	if err := l.Apply(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
}

func copyHealthOf(t *testing.T, l *Lab) *org.CopyHealth {
	t.Helper()
	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sg := org.NewIndex(o).StorageGroup(sg1)
	if sg == nil || sg.Copy == nil {
		t.Fatal("no live copy of SG1")
	}
	return sg.Copy.Health
}

func TestLocalCopyActivatesWithNothingLost(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	step(t, l, &providers.Step{Verb: providers.VerbEnableCopy, Identity: sg1, Args: map[string]string{"copy": "local", "copy_path": `F:\LCR\SG1`}})
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 30, Seed: 1})
	if _, err := l.Backup(context.Background(), sg1, org.BackupFull); err != nil {
		t.Fatal(err)
	}
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 5, Seed: 1}) // in the open generation only
	h := copyHealthOf(t, l)
	if h.Status != "Healthy" || h.CopyQueue() != 1 || h.ReplayQueue() != 0 {
		t.Fatalf("copy: %+v (copy queue %d, replay queue %d); want Healthy, 1 open generation not copied", h, h.CopyQueue(), h.ReplayQueue())
	}
	if err := l.DeleteDatabaseFile(db1); err != nil {
		t.Fatal(err)
	}
	apply(t, l, providers.VerbDismount, db1)
	// The source runs: activation takes its open generation too.
	lost, err := l.ActivateCopy(context.Background(), &providers.Step{Verb: providers.VerbActivateCopy, Identity: sg1})
	if err != nil || lost != 0 {
		t.Fatalf("activate: %d generations lost, %v", lost, err)
	}
	apply(t, l, providers.VerbMount, db1)
	if in := inspect(t, l); in.Items() != 70 {
		t.Fatalf("DB1 holds %d items after activation, want all 70", in.Items())
	}
	if h := copyHealthOf(t, l); h.Status != "Failed" {
		t.Fatalf("an activated copy reads %s, want Failed until seeded again", h.Status)
	}
	step(t, l, &providers.Step{Verb: providers.VerbSeedCopy, Identity: sg1})
	if h := copyHealthOf(t, l); h.Status != "Healthy" {
		t.Fatalf("seeded again: %+v", h)
	}
}

func TestStandbyCopyLagsThenActivatesWithTheCopyQueueLost(t *testing.T) {
	l := newLab(t)
	step(t, l, &providers.Step{Verb: providers.VerbCreateServer, Identity: "MBX03", Args: map[string]string{"server": "MBX03", "roles": "mailbox"}})
	apply(t, l, providers.VerbMount, db1)
	step(t, l, &providers.Step{Verb: providers.VerbEnableCopy, Identity: sg1, Args: map[string]string{"standby_machine": "MBX03", "replay_lag": "1h"}})
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 20, Seed: 1})
	l.Backup(context.Background(), sg1, org.BackupFull) // closes the generation: it is copied, not replayed
	h := copyHealthOf(t, l)
	if h.Status != "Healthy" || h.ReplayQueue() == 0 {
		t.Fatalf("copy within its lag: %+v; want generations waiting to replay", h)
	}
	l.Advance(2 * time.Hour)
	if h := copyHealthOf(t, l); h.ReplayQueue() != 0 {
		t.Fatalf("after the lag: replay queue %d", h.ReplayQueue())
	}
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 5, Seed: 1}) // the open generation: never copied
	if err := l.LoseServer("MBX01"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ActivateCopy(context.Background(), &providers.Step{Verb: providers.VerbActivateCopy, Identity: sg1}); err == nil {
		t.Fatal("activated without -Force while the source cannot be read")
	}
	for _, s := range buildSteps()[:2] {
		step(t, l, s) // RecoverServer: the server and its storage group again
	}
	lost, err := l.ActivateCopy(context.Background(), &providers.Step{Verb: providers.VerbActivateCopy, Identity: sg1, Args: map[string]string{"force": "true"}})
	if err != nil || lost != 1 {
		t.Fatalf("activate -Force: %d generations lost (%v), want the 1 never copied", lost, err)
	}
	apply(t, l, providers.VerbMount, db1)
	if in := inspect(t, l); in.Items() != 40 {
		t.Fatalf("DB1 holds %d items, want the 40 copied before the loss", in.Items())
	}
}

// A backup does not truncate the logs a copy still lacks: with the
// standby down, they wait on the source, and reach the copy once it is
// back.
func TestBackupKeepsLogsTheCopyLacks(t *testing.T) {
	l := newLab(t)
	step(t, l, &providers.Step{Verb: providers.VerbCreateServer, Identity: "MBX03", Args: map[string]string{"server": "MBX03", "roles": "mailbox"}})
	apply(t, l, providers.VerbMount, db1)
	step(t, l, &providers.Step{Verb: providers.VerbEnableCopy, Identity: sg1, Args: map[string]string{"standby_machine": "MBX03", "replay_lag": "0s"}})
	if err := l.FailServer("MBX03"); err != nil {
		t.Fatal(err)
	}
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 1, Items: 10, Seed: 1})
	// A backup closes generation 1; dismounting moves the checkpoint
	// past it, so the next full backup could truncate it.
	if _, err := l.Backup(context.Background(), sg1, org.BackupFull); err != nil {
		t.Fatal(err)
	}
	apply(t, l, providers.VerbDismount, db1)
	if _, err := l.Backup(context.Background(), sg1, org.BackupFull); err != nil {
		t.Fatal(err)
	}
	apply(t, l, providers.VerbMount, db1)
	r, err := l.Replica(sg1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(r.Source.LogPath(1)); err != nil {
		t.Fatalf("the full backups truncated generation 1, which the copy lacks: %v", err)
	}
	step(t, l, &providers.Step{Verb: providers.VerbCreateServer, Identity: "MBX03", Args: map[string]string{"server": "MBX03", "roles": "mailbox"}})
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 1, Items: 1, Seed: 1})
	if h := copyHealthOf(t, l); h.Status != "Healthy" || h.LastReplayed < 2 {
		t.Fatalf("after the standby came back: %+v", h)
	}
}
