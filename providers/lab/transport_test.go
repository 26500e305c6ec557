package lab

import (
	"context"
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// newHubLab is the test lab with two Hub Transport servers in MBX01's
// site.
func newHubLab(t *testing.T) *Lab {
	t.Helper()
	l := newLab(t)
	for _, hub := range []string{"HUB01", "HUB02"} {
		s := &providers.Step{Verb: providers.VerbCreateServer, Identity: org.Identity(hub), Args: map[string]string{"server": hub, "roles": "hub_transport"}}
		if err := l.Apply(context.Background(), s, nil); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func queueStep(t *testing.T, l *Lab, v providers.Verb, server string, args map[string]string) error {
	t.Helper()
	a := map[string]string{"queue_server": server}
	for k, x := range args {
		a[k] = x
	}
	return l.Apply(context.Background(), &providers.Step{Verb: v, Identity: org.Identity(server).Join(queueFile), Args: a}, nil)
}

func queueHealth(t *testing.T, l *Lab, server string) *org.QueueHealth {
	t.Helper()
	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	q := org.NewIndex(o).QueueDatabase(server)
	if q == nil {
		t.Fatalf("no live queue database on %s", server)
	}
	return q.Health
}

func TestTrafficQueuesWhileTheDatabaseIsDown(t *testing.T) {
	l := newHubLab(t)
	rep, err := l.Traffic(context.Background(), TrafficOptions{Mailboxes: 2, Items: 25, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Queued[db1] != 50 || rep.Delivered[db1] != 0 || rep.Via[db1] != "HUB01" {
		t.Fatalf("report %+v: want 50 queued on HUB01, none delivered", rep)
	}
	h := queueHealth(t, l, "HUB01")
	if h.Messages != 50 || len(h.Queues) != 1 || h.Queues[0].Status != "Retry" || h.Queues[0].Identity != `HUB01\MBX01` {
		t.Fatalf("HUB01 holds %d messages in %+v; want 50 in HUB01\\MBX01, in Retry", h.Messages, h.Queues)
	}
	apply(t, l, providers.VerbMount, db1)
	// Transport waits out its retry interval; Retry-Queue delivers now.
	if err := queueStep(t, l, providers.VerbRetryQueue, "HUB01", map[string]string{"queues": "MBX01"}); err != nil {
		t.Fatal(err)
	}
	if in := inspect(t, l); in.Items() != 50 {
		t.Fatalf("DB1 holds %d items after the retry, want 50", in.Items())
	}
	if h := queueHealth(t, l, "HUB01"); h.Messages != 0 || len(h.Queues) != 0 {
		t.Fatalf("HUB01 still holds %d messages: %+v", h.Messages, h.Queues)
	}
	// More traffic numbers on from what arrived: no subject repeats.
	l.Traffic(context.Background(), TrafficOptions{Mailboxes: 2, Items: 1, Seed: 3})
	if got := subjects(inspect(t, l), "db1-user001"); len(got) != 26 || got[25] != "Message 26 to db1-user001" {
		t.Fatalf("db1-user001 holds %d items, last %q", len(got), got[len(got)-1])
	}
}

func TestCrashedQueueDatabaseRecoversEveryMessage(t *testing.T) {
	l := newHubLab(t)
	l.Traffic(context.Background(), TrafficOptions{Mailboxes: 3, Items: 20, Seed: 1})
	if err := l.Crash("HUB01"); err != nil {
		t.Fatal(err)
	}
	h := queueHealth(t, l, "HUB01")
	if h.Running || h.State != org.StateDirty || h.Messages != 60 {
		t.Fatalf("after the crash: running %v, %s, %d messages; want stopped, dirty, 60", h.Running, h.State, h.Messages)
	}
	if err := queueStep(t, l, providers.VerbStartTransport, "HUB01", nil); err == nil {
		t.Fatal("transport started on a dirty mail.que")
	}
	if err := queueStep(t, l, providers.VerbReplayLogs, "HUB01", nil); err != nil {
		t.Fatal(err)
	}
	if err := queueStep(t, l, providers.VerbStartTransport, "HUB01", nil); err != nil {
		t.Fatal(err)
	}
	if h := queueHealth(t, l, "HUB01"); !h.Running || h.Messages != 60 {
		t.Fatalf("after soft recovery: running %v, %d messages; want 60", h.Running, h.Messages)
	}
}

func TestPortabilityDeliversAFailedHubsMail(t *testing.T) {
	l := newHubLab(t)
	l.Traffic(context.Background(), TrafficOptions{Mailboxes: 4, Items: 125, Seed: 9}) // 500 queued on HUB01
	if err := l.FailServer("HUB01"); err != nil {
		t.Fatal(err)
	}
	if h := queueHealth(t, l, "HUB01"); h.Messages != 500 {
		t.Fatalf("the failed hub's disks hold %d messages, want 500", h.Messages)
	}
	// HUB02 has mail of its own waiting: it must survive the drain.
	apply(t, l, providers.VerbMount, db1)
	if err := queueStep(t, l, providers.VerbImportQueue, "HUB02", map[string]string{"source": "HUB01"}); err != nil {
		t.Fatal(err)
	}
	if err := queueStep(t, l, providers.VerbDrainQueue, "HUB02", nil); err != nil {
		t.Fatal(err)
	}
	if err := queueStep(t, l, providers.VerbRestoreQueue, "HUB02", nil); err != nil {
		t.Fatal(err)
	}
	if in := inspect(t, l); in.Items() != 500 {
		t.Fatalf("DB1 holds %d items, want all 500", in.Items())
	}
	h := queueHealth(t, l, "HUB02")
	if !h.Running || h.DrainingFrom != "" || h.OwnAside {
		t.Fatalf("HUB02 after the drain: %+v", h)
	}
	// The failed hub's rebuild starts with a new, empty queue database.
	if err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbCreateServer, Identity: "HUB01", Args: map[string]string{"server": "HUB01", "roles": "hub_transport"}}, nil); err != nil {
		t.Fatal(err)
	}
	if h := queueHealth(t, l, "HUB01"); !h.Running || h.Messages != 0 {
		t.Fatalf("rebuilt HUB01: running %v, %d messages", h.Running, h.Messages)
	}
}
