package planner

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

// withHubs adds HUB01 and HUB02 with their queue databases to a desired
// organization and, healthy and running, to the live one.
func withHubs(d, live *org.Org) {
	for _, name := range []string{"HUB01", "HUB02"} {
		d.Servers = append(d.Servers, &org.Server{Addr: addr(org.KindServer, name), Name: name, Roles: org.Roles(org.RoleHubTransport), Edition: org.EditionStandard})
		d.QueueDatabases = append(d.QueueDatabases, &org.QueueDatabase{Addr: addr(org.KindQueueDatabase, name), Server: name,
			Path: org.DefaultQueuePath, LoggingPath: org.DefaultQueuePath, MaxSize: 4 * org.GigaByte, MaxWhitespace: 30, State: "healthy",
			Decl: org.Decl{Range: hcl.Range{Filename: "storage.exdr.hcl", Start: hcl.Pos{Line: 40, Column: 1}}}})
		live.Servers = append(live.Servers, &org.Server{Name: name, Roles: org.Roles(org.RoleHubTransport), Edition: org.EditionStandard, Health: &org.ServerHealth{Up: true}})
		live.QueueDatabases = append(live.QueueDatabases, &org.QueueDatabase{Server: name, Path: org.DefaultQueuePath, LoggingPath: org.DefaultQueuePath,
			Health: &org.QueueHealth{Running: true, FileExists: true, State: org.StateDirty, Size: 64 * org.KiloByte, Pages: 7,
				Logs: &org.LogHealth{FolderExists: true, Prefix: "trn", Checkpoint: 1, OnDisk: org.LogRange{Low: 1, High: 1}}}})
	}
}

func liveQueue(o *org.Org, server string) *org.QueueHealth {
	return org.NewIndex(o).QueueDatabase(server).Health
}

// queued puts n messages for DB1 in HUB01's delivery queue to MBX01, in
// Retry.
func queued(h *org.QueueHealth, n int) {
	h.Messages = n
	h.Queues = []*org.Queue{{Identity: `HUB01\MBX01`, DeliveryType: "MapiDelivery", NextHopDomain: "MBX01", Status: "Retry", MessageCount: n,
		LastError: "432 4.3.2 STOREDRV; mailbox database is offline", Databases: []org.Identity{`MBX01\SG1\DB1`}, PerDatabase: []int{n}}}
}

func TestQueueProcedures(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(live *org.Org)
		opts    Options
		steps   string
		refused string
		golden  bool
		maxSize org.Size // HUB02's max_size, when not the 4GB withHubs gives
	}{
		{name: "healthy", damage: func(*org.Org) {}},
		{name: "crashed: soft recovery, then start", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB01")
			h.Running, h.LogRequired = false, org.LogRange{Low: 1, High: 1}
		}, steps: "queue_database.HUB01:replay_logs queue_database.HUB01:start_transport"},
		{name: "crashed, its trn log gone: refused", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB01")
			h.Running, h.LogRequired = false, org.LogRange{Low: 1, High: 1}
			h.Logs.OnDisk, h.Logs.Missing = org.LogRange{}, []uint32{1}
		}, refused: "Recovery would lose messages"},
		{name: "bad page, allowed: repair with the loss", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB01")
			h.BadPages, h.MessagesAtRisk = []uint32{3}, 14
			queued(h, 0)
			liveDB(l, "DB1").Health.Mounted = false
			liveDB(l, "DB1").Health.State = org.StateClean
		}, opts: Options{AllowDataLoss: true}, golden: true,
			steps: "mailbox_database.DB1:mount queue_database.HUB01:stop_transport queue_database.HUB01:repair_database queue_database.HUB01:start_transport"},
		{name: "stopped cleanly: start", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB02")
			h.Running, h.State = false, org.StateClean
		}, steps: "queue_database.HUB02:start_transport"},
		{name: "missing: a new one at start", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB02")
			h.Running, h.FileExists = false, false
		}, steps: "queue_database.HUB02:start_transport"},
		{name: "retry after the mount", damage: func(l *org.Org) {
			queued(liveQueue(l, "HUB01"), 40)
			liveDB(l, "DB1").Health.Mounted = false
			liveDB(l, "DB1").Health.State = org.StateClean
		}, steps: "mailbox_database.DB1:mount queue_database.HUB01:retry_queue"},
		{name: "bloated: defragment", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB02")
			h.Pages, h.Whitespace, h.Size = 200, 60, 200*8*org.KiloByte
		}, steps: "queue_database.HUB02:stop_transport queue_database.HUB02:defragment queue_database.HUB02:start_transport"},
		{name: "whitespace in a tiny file is left", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB02")
			h.Whitespace = 86
		}},
		{name: "over max_size: rotated", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB02")
			h.Size = 5 * org.GigaByte
		}, steps: "queue_database.HUB02:rotate_queue_database"},
		// A file over max_size that eseutil /d brings under it keeps
		// its mail: no drain, no new file.
		{name: "bloated over max_size, defragmentation enough: defragment only", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB02")
			h.Pages, h.Whitespace, h.Size = 8000, 90, 8000*8*org.KiloByte
		}, steps: "queue_database.HUB02:stop_transport queue_database.HUB02:defragment queue_database.HUB02:start_transport",
			maxSize: 10 * org.MegaByte},
		// Rotation gives a new file: defragmenting the old one first
		// is downtime for nothing.
		{name: "bloated over max_size, defragmentation not enough: rotated only", damage: func(l *org.Org) {
			h := liveQueue(l, "HUB02")
			h.Pages, h.Whitespace, h.Size = 8000, 40, 8000*8*org.KiloByte
		}, steps: "queue_database.HUB02:rotate_queue_database", maxSize: 10 * org.MegaByte},
		{name: "failed hub with mail: portability to HUB02", damage: func(l *org.Org) {
			srv := org.NewIndex(l).Server("HUB01")
			srv.Health.Up, srv.Health.DisksSurvive = false, true
			h := liveQueue(l, "HUB01")
			h.Running, h.LogRequired = false, org.LogRange{Low: 1, High: 1}
			queued(h, 500)
			liveDB(l, "DB1").Health.Mounted = false
			liveDB(l, "DB1").Health.State = org.StateClean
		}, golden: true,
			steps: "mailbox_database.DB1:mount queue_database.HUB01:import_queue_database queue_database.HUB01:drain_queue " +
				"queue_database.HUB01:restore_queue_database server.HUB01:create_server"},
		// An import killed after it stopped HUB02's transport: HUB02, its
		// own mail.que clean, still takes HUB01's; the import starts it.
		{name: "failed hub, HUB02 stopped: portability to HUB02", damage: func(l *org.Org) {
			srv := org.NewIndex(l).Server("HUB01")
			srv.Health.Up, srv.Health.DisksSurvive = false, true
			h := liveQueue(l, "HUB01")
			h.Running, h.LogRequired = false, org.LogRange{Low: 1, High: 1}
			queued(h, 500)
			h2 := liveQueue(l, "HUB02")
			h2.Running, h2.State = false, org.StateClean
		}, steps: "queue_database.HUB01:import_queue_database queue_database.HUB01:drain_queue " +
			"queue_database.HUB01:restore_queue_database server.HUB01:create_server"},
		{name: "an import killed half-way on HUB02: the import again, then the drain", damage: func(l *org.Org) {
			srv := org.NewIndex(l).Server("HUB01")
			srv.Health.Up, srv.Health.DisksSurvive = false, true
			h := liveQueue(l, "HUB01")
			h.Running, h.FileExists, h.State = false, false, org.StateClean
			h2 := liveQueue(l, "HUB02")
			h2.Running, h2.State, h2.LogRequired, h2.DrainingFrom = false, org.StateDirty, org.LogRange{Low: 1, High: 1}, "HUB01"
			queued(h2, 200)
			h2.Queues[0].Identity = `HUB02\MBX01`
		}, steps: "queue_database.HUB02:import_queue_database server.HUB01:create_server queue_database.HUB01:start_transport " +
			"queue_database.HUB02:drain_queue queue_database.HUB02:restore_queue_database"},
		{name: "HUB02 draining HUB01's queue database and running: the drain alone", damage: func(l *org.Org) {
			srv := org.NewIndex(l).Server("HUB01")
			srv.Health.Up, srv.Health.DisksSurvive = false, true
			h := liveQueue(l, "HUB01")
			h.Running, h.FileExists, h.State = false, false, org.StateClean
			h2 := liveQueue(l, "HUB02")
			h2.Running, h2.State, h2.DrainingFrom = true, org.StateClean, "HUB01"
			queued(h2, 200)
			h2.Queues[0].Identity = `HUB02\MBX01`
		}, steps: "server.HUB01:create_server queue_database.HUB01:start_transport queue_database.HUB02:drain_queue queue_database.HUB02:restore_queue_database"},
		{name: "failed hub, HUB02 stopped dirty: recovered in place after the rebuild", damage: func(l *org.Org) {
			srv := org.NewIndex(l).Server("HUB01")
			srv.Health.Up, srv.Health.DisksSurvive = false, true
			h := liveQueue(l, "HUB01")
			h.Running, h.LogRequired = false, org.LogRange{Low: 1, High: 1}
			queued(h, 500)
			h2 := liveQueue(l, "HUB02")
			h2.Running, h2.State, h2.LogRequired = false, org.StateDirty, org.LogRange{Low: 1, High: 1}
		}, steps: "server.HUB01:create_server queue_database.HUB01:replay_logs queue_database.HUB01:start_transport " +
			"queue_database.HUB02:replay_logs queue_database.HUB02:start_transport"},
		{name: "failed hub, no other: recovered in place after the rebuild", damage: func(l *org.Org) {
			for _, name := range []string{"HUB01", "HUB02"} {
				srv := org.NewIndex(l).Server(name)
				srv.Health.Up, srv.Health.DisksSurvive = false, true
				h := liveQueue(l, name)
				h.Running, h.LogRequired = false, org.LogRange{Low: 1, High: 1}
			}
			queued(liveQueue(l, "HUB01"), 500)
		}, steps: "server.HUB01:create_server queue_database.HUB01:replay_logs queue_database.HUB01:start_transport " +
			"server.HUB02:create_server queue_database.HUB02:replay_logs queue_database.HUB02:start_transport"},
		{name: "lost hub: a new queue database at the configured path", damage: func(l *org.Org) {
			srv := org.NewIndex(l).Server("HUB02")
			srv.Health.Up = false
			l.QueueDatabases = l.QueueDatabases[:1]
		}, steps: "server.HUB02:create_server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := desiredOrg(), healthyLive()
			withHubs(desired, live)
			if tt.maxSize != 0 {
				org.NewIndex(desired).QueueDatabase("HUB02").MaxSize = tt.maxSize
			}
			tt.damage(live)
			p, diags := New(desired, live, tt.opts)
			if tt.refused != "" {
				if !diags.HasErrors() || diags[0].Summary != tt.refused || diags[0].Subject == nil || diags[0].Subject.Start.Line != 40 {
					t.Fatalf("got %v, want %q on the queue_database block", diags, tt.refused)
				}
				return
			}
			text := accepted(t, p, diags, tt.steps)
			if tt.golden {
				goldenText(t, "queue_"+strings.NewReplacer(" ", "_", ":", "", ",", "").Replace(tt.name), text)
			}
		})
	}
}

// Retry-Queue delivers 200 of 200 messages first: the defragmentation
// is planned for the whitespace they leave, and its reason says so
// (it said "47% of mail.que is whitespace, more than max_whitespace
// (90%)").
func TestDefragmentReasonCountsDeliveredMail(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withHubs(desired, live)
	org.NewIndex(desired).QueueDatabase("HUB01").MaxWhitespace = 90
	h := liveQueue(live, "HUB01")
	h.Pages, h.Whitespace, h.Size = 200, 47, 200*8*org.KiloByte
	queued(h, 200)
	liveDB(live, "DB1").Health.Mounted, liveDB(live, "DB1").Health.State = false, org.StateClean
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	s := p.Step("queue_database.HUB01:defragment")
	if s == nil {
		t.Fatalf("no defragment in %s", ids(p))
	}
	if want := "once Retry-Queue has delivered 200 messages, 100% of mail.que is whitespace, more than max_whitespace (90%)"; !strings.HasPrefix(s.Reason, want) {
		t.Errorf("reason %q\nwant it to begin %q", s.Reason, want)
	}
}

// The queue database's path differs from the configuration's: the files
// move with the service stopped.
func TestQueueDatabaseMoves(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withHubs(desired, live)
	desired.QueueDatabases[0].Path, desired.QueueDatabases[0].LoggingPath = `D:\Queue`, `L:\QueueLogs`
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	s := p.Step("queue_database.HUB01:move_queue_database")
	if s == nil || s.Args["path"] != `D:\Queue` || s.Args["logging_path"] != `L:\QueueLogs` || !strings.Contains(s.Command, "EdgeTransport.exe.config") {
		t.Fatalf("move step: %+v", s)
	}
}

// Folders the read could not find (the ems provider without the
// server's EdgeTransport.exe.config) are unknown: no move is planned
// from them.
func TestUnknownQueueFoldersMoveNothing(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withHubs(desired, live)
	desired.QueueDatabases[0].Path, desired.QueueDatabases[0].LoggingPath = `D:\Queue`, `L:\QueueLogs`
	org.NewIndex(live).QueueDatabase("HUB01").Path = ""
	org.NewIndex(live).QueueDatabase("HUB01").LoggingPath = ""
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if s := p.Step("queue_database.HUB01:move_queue_database"); s != nil {
		t.Errorf("a move from unknown folders: %s", s.Reason)
	}
}

// A move stopped half-way: its files in two places, the service
// stopped. The only step is the move (it finishes and starts the
// service); a start_transport first would begin an empty mail.que.
func TestAnInterruptedQueueMoveIsFinishedFirst(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withHubs(desired, live)
	desired.QueueDatabases[0].Path, desired.QueueDatabases[0].LoggingPath = `D:\Queue`, `L:\QueueLogs`
	h := liveQueue(live, "HUB01")
	h.Running, h.State, h.MovingTo = false, org.StateClean, `D:\Queue`
	queued(h, 30)
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := ids(p); got != "queue_database.HUB01:move_queue_database" {
		t.Fatalf("steps %s, want the move alone", got)
	}
	if s := p.Step("queue_database.HUB01:move_queue_database"); !strings.Contains(s.Reason, "stopped half-way") || s.Args["path"] != `D:\Queue` {
		t.Errorf("step %+v", s)
	}
}

// Poison messages are a person's call: noted, never retried.
func TestPoisonMessagesAreNoted(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withHubs(desired, live)
	h := liveQueue(live, "HUB01")
	h.Messages = 3
	h.Queues = []*org.Queue{{Identity: `HUB01\Poison`, DeliveryType: "Undefined", NextHopDomain: "Poison", Status: "Suspended", MessageCount: 3}}
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() || p.Changes() {
		t.Fatalf("plan %s, %v: want no steps", ids(p), diags)
	}
	if notes := strings.Join(p.Notes, "\n"); !strings.Contains(notes, `HUB01\Poison holds 3 messages that crashed transport`) {
		t.Fatalf("notes: %s", notes)
	}
}

// A provider that shows no queue database for a running server (the role
// missing, or not read) gets a note, not a crash.
func TestQueueDatabaseNotShown(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withHubs(desired, live)
	live.QueueDatabases = nil
	org.NewIndex(live).Server("HUB02").Health.Up, org.NewIndex(live).Server("HUB02").Health.DisksSurvive = false, true
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if notes := strings.Join(p.Notes, "\n"); !strings.Contains(notes, "queue_database.HUB01: HUB01 shows no queue database") {
		t.Fatalf("notes: %s", notes)
	}
}

// mail.que gone from under a running service: the new one is started,
// and the plan says what the old one held is lost (it said nothing was).
func TestQueueDatabaseGoneWhileRunning(t *testing.T) {
	desired, live := desiredOrg(), healthyLive()
	withHubs(desired, live)
	h := liveQueue(live, "HUB01")
	h.FileExists, h.State = false, 0
	p, diags := New(desired, live, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(p.Losses) != 1 || p.Losses[0].Address != "queue_database.HUB01" || !strings.Contains(p.Losses[0].What, "every message") {
		t.Errorf("losses %+v, want every message of HUB01's mail.que stated", p.Losses)
	}
}

// Back pressure is noted with what relieves it: the drive of the queue
// database or of its logs, and the attribute whose move would.
func TestBackPressureNotes(t *testing.T) {
	tests := []struct {
		name   string
		bp     *org.BackPressure
		move   func(q *org.QueueDatabase)
		says   []string
		silent bool
	}{
		{name: "normal", bp: &org.BackPressure{Level: "Normal", Drive: "C", UsedPercent: 10, HighPercent: 99}, silent: true},
		{name: "database drive high", bp: &org.BackPressure{Level: "High", Drive: "C", UsedPercent: 99.9, HighPercent: 99.5},
			says: []string{"under back pressure (High): its queue database drive C: is 99.9% used", "refuses all new mail (452 4.3.1", "declare queue_database { path } on a drive with room"}},
		{name: "logs drive medium", bp: &org.BackPressure{Level: "Medium", Drive: "G", Logs: true, UsedPercent: 98, HighPercent: 99.5},
			says: []string{"its queue database logs drive G: is 98.0% used", "refuses mail from outside the organization", "declare queue_database { logging_path }"}},
		{name: "logs drive relieved by the declared move", bp: &org.BackPressure{Level: "High", Drive: "G", Logs: true, UsedPercent: 99.9, HighPercent: 99.5},
			move: func(q *org.QueueDatabase) { q.LoggingPath = `H:\QueueLogs` },
			says: []string{`the move this plan makes, to H:\QueueLogs, relieves it`}},
		{name: "a database move does not relieve the logs drive", bp: &org.BackPressure{Level: "High", Drive: "G", Logs: true, UsedPercent: 99.9, HighPercent: 99.5},
			move: func(q *org.QueueDatabase) { q.Path = `H:\Queue` },
			says: []string{"declare queue_database { logging_path } on a drive with room"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := desiredOrg(), healthyLive()
			withHubs(desired, live)
			liveQueue(live, "HUB01").BackPressure = tt.bp
			if tt.move != nil {
				tt.move(desired.QueueDatabases[0])
			}
			p, diags := New(desired, live, Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			notes := strings.Join(p.Notes, "\n")
			if tt.silent != !strings.Contains(notes, "back pressure") {
				t.Errorf("notes:\n%s", notes)
			}
			for _, s := range tt.says {
				if !strings.Contains(notes, s) {
					t.Errorf("the notes do not say %q:\n%s", s, notes)
				}
			}
		})
	}
}
