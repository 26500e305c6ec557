package pg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/providers"
)

// These tests run against a real PostgreSQL, never a mock: .ci/run starts
// one and sets EXDR_TEST_PG_CONN_STR. With the variable set, a server the
// tests cannot reach fails them.
const connEnv = "EXDR_TEST_PG_CONN_STR"

func testConn(t testing.TB) string {
	t.Helper()
	cs := os.Getenv(connEnv)
	if cs == "" {
		t.Skipf("%s is not set: the pg backend is tested against a real PostgreSQL (.ci/run starts one)", connEnv)
	}
	conn, err := pgx.Connect(context.Background(), cs)
	if err != nil {
		t.Fatalf("%s is set, but PostgreSQL cannot be reached: %v", connEnv, err)
	}
	conn.Close(context.Background())
	return cs
}

// newBackend is a backend of an organization of the test's own.
func newBackend(t testing.TB, cs, org string) *Backend {
	b := New(cs, org, t.TempDir())
	b.CheckInterval = 50 * time.Millisecond
	t.Cleanup(func() { b.Close() })
	return b
}

func orgName(t testing.TB) string {
	return fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
}

func info(id string) backend.LockInfo {
	return backend.LockInfo{ID: id, Holder: "alice@mgmt01 (pid 1)", Host: "mgmt01", PID: 1, Operation: "apply", Created: time.Now().UTC().Truncate(time.Microsecond)}
}

func TestLockIsExclusiveAndNamesItsHolder(t *testing.T) {
	cs := testConn(t)
	org := orgName(t)
	a, b := newBackend(t, cs, org), newBackend(t, cs, org)
	_, unlock, err := a.Lock(context.Background(), info("a1"), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = b.Lock(context.Background(), info("b1"), 0)
	var le *backend.LockedError
	if !errors.As(err, &le) || le.Info.ID != "a1" || le.Info.Holder != "alice@mgmt01 (pid 1)" {
		t.Fatalf("a second lock: %v; want a LockedError naming a1 and its holder", err)
	}
	if h, err := b.Holder(); !errors.Is(err, backend.ErrLocked) || h == nil || h.ID != "a1" {
		t.Fatalf("Holder: %+v, %v", h, err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if h, err := b.Holder(); err != nil || h != nil {
		t.Fatalf("after unlock, Holder: %+v, %v", h, err)
	}
	_, unlock2, err := b.Lock(context.Background(), info("b2"), 0)
	if err != nil {
		t.Fatalf("the lock let go is not taken: %v", err)
	}
	unlock2()
}

// Two runs racing for the lock, a hundred times: exactly one gets it
// each time.
func TestExactlyOneOfTwoRacersHoldsTheLock(t *testing.T) {
	cs := testConn(t)
	org := orgName(t)
	a, b := newBackend(t, cs, org), newBackend(t, cs, org)
	for try := range 100 {
		var won atomic.Int32
		var unlocks []func() error
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i, be := range []*Backend{a, b} {
			wg.Go(func() {
				_, unlock, err := be.Lock(context.Background(), info(fmt.Sprintf("t%d-%d", try, i)), 0)
				if err == nil {
					won.Add(1)
					mu.Lock()
					unlocks = append(unlocks, unlock)
					mu.Unlock()
				} else if !errors.Is(err, backend.ErrLocked) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("try %d: %d runs held the lock", try, won.Load())
		}
		for _, u := range unlocks {
			u()
		}
	}
}

// A holder killed with kill -9 holds nothing: PostgreSQL ends its session
// and the next run takes the lock within a second, without force-unlock.
func TestKilledHolderLetsGo(t *testing.T) {
	cs := testConn(t)
	org := orgName(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$")
	// The helper is killed, so it cannot remove a folder of its own: it
	// works in this test's.
	cmd.Env = append(os.Environ(), "EXDR_TEST_HOLD_LOCK="+org, "EXDR_TEST_HOLD_DIR="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.Contains(string(buf[:n]), "held") {
		cmd.Process.Kill()
		t.Fatalf("the holder did not take the lock: %q", buf[:n])
	}
	b := newBackend(t, cs, org)
	if _, _, err := b.Lock(context.Background(), info("after"), 0); !errors.Is(err, backend.ErrLocked) {
		t.Fatalf("while the holder lives: %v, want locked", err)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	start := time.Now()
	_, unlock, err := b.Lock(context.Background(), info("after"), time.Second)
	if err != nil {
		t.Fatalf("a second after kill -9 of the holder: %v", err)
	}
	t.Logf("taken %s after the holder was killed", time.Since(start).Round(time.Millisecond))
	unlock()
}

// TestHelperHoldLock takes the lock named by EXDR_TEST_HOLD_LOCK, says so
// and waits to be killed.
func TestHelperHoldLock(t *testing.T) {
	org := os.Getenv("EXDR_TEST_HOLD_LOCK")
	if org == "" {
		t.Skip("a helper of TestKilledHolderLetsGo")
	}
	b := New(os.Getenv(connEnv), org, os.Getenv("EXDR_TEST_HOLD_DIR"))
	if _, _, err := b.Lock(context.Background(), info("holder"), 0); err != nil {
		t.Fatal(err)
	}
	fmt.Println("held")
	time.Sleep(time.Minute)
}

// A holder whose connection is cut (the server ends its session) is told
// at once: the lock can no longer be trusted.
func TestCutConnectionCancelsTheLock(t *testing.T) {
	cs := testConn(t)
	org := orgName(t)
	a := newBackend(t, cs, org)
	lockCtx, unlock, err := a.Lock(context.Background(), info("cut"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	admin, err := pgx.Connect(context.Background(), cs)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(context.Background(), "SELECT pg_terminate_backend(backend_pid) FROM exdr_locks WHERE organization = $1", strings.ToLower(org)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-lockCtx.Done():
		if cause := context.Cause(lockCtx); cause == nil || !strings.Contains(cause.Error(), "the lock can no longer be trusted") {
			t.Errorf("cancelled because %v", cause)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the lock's context lived on after its connection was cut")
	}
}

// force-unlock ends the holder's session: the holder hears of it, and
// the lock is free.
func TestForceUnlockEndsTheHolder(t *testing.T) {
	cs := testConn(t)
	org := orgName(t)
	a, b := newBackend(t, cs, org), newBackend(t, cs, org)
	lockCtx, unlock, err := a.Lock(context.Background(), info("forced"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := b.ForceUnlock("wrong"); err == nil || !strings.Contains(err.Error(), "has the ID forced, not wrong") {
		t.Errorf("a wrong ID: %v", err)
	}
	said, err := b.ForceUnlock("forced")
	if err != nil || !strings.Contains(said, "its database session was ended") {
		t.Fatalf("ForceUnlock: %q, %v", said, err)
	}
	select {
	case <-lockCtx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the holder was not told its lock was removed")
	}
	_, unlock2, err := b.Lock(context.Background(), info("next"), time.Second)
	if err != nil {
		t.Fatalf("after force-unlock: %v", err)
	}
	unlock2()
}

// The journal goes to the database; while it is out of reach, to a local
// file, pushed when it is back: every entry once, nothing lost.
func TestJournalWaitsLocallyAndIsPushedOnce(t *testing.T) {
	cs := testConn(t)
	org := orgName(t)
	local := t.TempDir()
	up := New(cs, org, local)
	defer up.Close()
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	entry := func(step string, ev providers.JournalEvent, sec int) providers.JournalEntry {
		return providers.JournalEntry{Time: at.Add(time.Duration(sec) * time.Second), Apply: "run1", Step: step, Event: ev}
	}
	if err := up.Journal().Append(entry("s1", providers.JournalStart, 0)); err != nil {
		t.Fatal(err)
	}
	down := New("postgres://exdr@/exdr_test?host=/nonexistent&connect_timeout=1", org, local)
	down.ConnectTimeout = time.Second
	for i, e := range []providers.JournalEntry{entry("s1", providers.JournalDone, 1), entry("s2", providers.JournalStart, 2), entry("s2", providers.JournalFailed, 3)} {
		if err := down.Journal().Append(e); err != nil {
			t.Fatalf("entry %d with the database out of reach: %v", i, err)
		}
	}
	if _, err := os.Stat(filepath.Join(local, "pg-pending", "journal.jsonl")); err != nil {
		t.Fatalf("the entries did not wait locally: %v", err)
	}
	up.Close()
	got, skipped, err := up.Journal().Entries()
	if err != nil || len(skipped) > 0 {
		t.Fatal(err, skipped)
	}
	if len(got) != 4 {
		t.Fatalf("%d entries after the push, want 4: %+v", len(got), got)
	}
	if _, err := os.Stat(filepath.Join(local, "pg-pending", "journal.jsonl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the local file stayed after its entries were pushed: %v", err)
	}
	// A push repeated (the file put back, as after a crash between the
	// commit and the removal) adds nothing.
	if err := backend.NewDir(filepath.Join(local, "pg-pending")).Journal().Append(entry("s2", providers.JournalFailed, 3)); err != nil {
		t.Fatal(err)
	}
	again, _, err := up.Journal().Entries()
	if err != nil || len(again) != 4 {
		t.Fatalf("after a second push: %d entries, %v; want 4", len(again), err)
	}
}

// An exdr older than the database's schema refuses it.
func TestNewerSchemaIsRefused(t *testing.T) {
	cs := testConn(t)
	admin, err := pgx.Connect(context.Background(), cs)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	db := fmt.Sprintf("exdr_schema_%d", time.Now().UnixNano())
	if _, err := admin.Exec(context.Background(), "CREATE DATABASE "+db); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(context.Background(), "DROP DATABASE "+db+" WITH (FORCE)")
	other := strings.Replace(cs, "/exdr_test", "/"+db, 1)
	b := New(other, "Contoso", t.TempDir())
	if _, err := b.Holder(); err != nil {
		t.Fatalf("first use migrates: %v", err)
	}
	conn, err := pgx.Connect(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	var v int
	if err := conn.QueryRow(context.Background(), "SELECT version FROM exdr_schema").Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("schema version %d (%v), want %d", v, err, SchemaVersion())
	}
	conn.Exec(context.Background(), "UPDATE exdr_schema SET version = 999, readable_by = 999")
	conn.Close(context.Background())
	if _, err := b.Holder(); err == nil || !strings.Contains(err.Error(), "version 999, newer than this exdr's") {
		t.Fatalf("a newer schema: %v", err)
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://alice:s3cret@db.contoso.com/exdr", "postgres://alice:REDACTED@db.contoso.com/exdr"},
		{"postgres://alice@db.contoso.com/exdr", "postgres://alice@db.contoso.com/exdr"},
		{"postgres://db/exdr?password=s3cret&sslmode=require", "postgres://db/exdr?password=REDACTED&sslmode=require"},
		{"host=db user=alice password=s3cret dbname=exdr", "host=db user=alice password=REDACTED dbname=exdr"},
		{"host=db user=alice dbname=exdr", "host=db user=alice dbname=exdr"},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if HasPassword(tc.in) != (tc.in != tc.want) {
			t.Errorf("HasPassword(%q) = %v", tc.in, HasPassword(tc.in))
		}
	}
}

// A run's row keeps which configuration it was of.
func TestRunsKeepTheConfiguration(t *testing.T) {
	cs := testConn(t)
	b := newBackend(t, cs, orgName(t))
	li := info("cfg")
	li.ConfigDigest, li.GitCommit = strings.Repeat("ab", 32), "0123456789abcdef0123456789abcdef01234567-dirty"
	_, unlock, err := b.Lock(context.Background(), li, 0)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	runs, err := b.Runs(0)
	if err != nil || len(runs) != 1 {
		t.Fatalf("%+v, %v", runs, err)
	}
	if r := runs[0]; r.ConfigDigest != li.ConfigDigest || r.GitCommit != li.GitCommit || r.Ended.IsZero() || r.Operation != "apply" {
		t.Errorf("the run reads back as %+v", r)
	}
}

// Exchange's names ignore case: "Contoso" and "contoso" are one
// organization, with one lock, one holder and one history.
func TestOrganizationNamesIgnoreCase(t *testing.T) {
	cs := testConn(t)
	name := orgName(t)
	upper, lower := newBackend(t, cs, strings.ToUpper(name)), newBackend(t, cs, strings.ToLower(name))
	_, unlock, err := upper.Lock(context.Background(), info("case"), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = lower.Lock(context.Background(), info("other"), 0)
	var le *backend.LockedError
	if !errors.As(err, &le) || le.Info.ID != "case" {
		t.Fatalf("the same organization in other case: %v; want locked by case", err)
	}
	if h, err := lower.Holder(); !errors.Is(err, backend.ErrLocked) || h == nil || h.ID != "case" {
		t.Errorf("Holder in other case: %+v, %v", h, err)
	}
	unlock()
	if runs, err := lower.Runs(0); err != nil || len(runs) != 1 {
		t.Errorf("history in other case: %+v, %v", runs, err)
	}
}

// A run's start in the history is when it took the lock, so that how
// long it took leaves out its wait for another run.
func TestRunStartsWhenTheLockIsTaken(t *testing.T) {
	cs := testConn(t)
	name := orgName(t)
	a, b := newBackend(t, cs, name), newBackend(t, cs, name)
	_, unlockA, err := a.Lock(context.Background(), info("first"), 0)
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(400 * time.Millisecond); unlockA() }()
	_, unlockB, err := b.Lock(context.Background(), info("waited"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	unlockB()
	runs, err := b.Runs(0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.ID == "waited" {
			if took := r.Ended.Sub(r.Started); took >= 400*time.Millisecond {
				t.Errorf("the run took %s by the history, its wait for the lock included", took)
			}
			return
		}
	}
	t.Fatalf("no run 'waited' in %+v", runs)
}

// Drill reports are kept once each, listed oldest first, and belong to
// their organization alone.
func TestDrillsAreKeptOnceInOrder(t *testing.T) {
	cs := testConn(t)
	name := orgName(t)
	b, other := newBackend(t, cs, name), newBackend(t, cs, name+"-other")
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 123456789, time.UTC)
	recs := []backend.DrillRecord{
		{Drill: "lose_mbx01", Started: t0.Add(time.Hour), Verdict: "fail", EstimatedRTO: 90 * time.Minute, Lost: 3,
			Measured: map[string]float64{"restore_backup": 1.5e8}, Report: []byte(`{"drill": "lose_mbx01"}`)},
		{Drill: "delete_db1", Started: t0, Verdict: "pass", EstimatedRTO: 30 * time.Second, Report: []byte(`{"drill": "delete_db1"}`)},
	}
	for _, r := range append(recs, recs[0]) {
		if err := b.SaveDrill(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.Drills(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Drill != "delete_db1" || got[1].Drill != "lose_mbx01" {
		t.Fatalf("drills %+v, want delete_db1 then lose_mbx01, once each", got)
	}
	if g := got[1]; g.Verdict != "fail" || g.Lost != 3 || g.EstimatedRTO != 90*time.Minute || !g.Started.Equal(t0.Add(time.Hour).Truncate(time.Microsecond)) || g.Measured["restore_backup"] != 1.5e8 {
		t.Errorf("kept %+v", g)
	}
	if theirs, err := other.Drills(context.Background()); err != nil || len(theirs) != 0 {
		t.Errorf("another organization sees %d drills (%v)", len(theirs), err)
	}
}

// The connection the backend keeps, ended by the server between two
// uses (a restart, a failover, an idle timeout), is made again: the
// next save succeeds. Before, the first query after the drop failed
// with "broken pipe" and the drill's report was not kept.
func TestSaveAfterTheConnectionWasEnded(t *testing.T) {
	cs := testConn(t)
	name := orgName(t)
	b := newBackend(t, cs, name)
	ctx := context.Background()
	if _, err := b.Drills(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	b.mu.Lock()
	pid := b.conn.PgConn().PID()
	b.mu.Unlock()
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if err := b.SaveDrill(ctx, backend.DrillRecord{Drill: "d", Started: time.Now(), Verdict: "pass", Report: []byte("{}")}); err != nil {
		t.Fatalf("saving after the connection was ended: %v", err)
	}
	if got, err := b.Drills(ctx); err != nil || len(got) != 1 {
		t.Fatalf("drills kept: %d, %v", len(got), err)
	}
}

// A step's output goes to the database with its end, and comes back.
func TestJournalKeepsStepOutput(t *testing.T) {
	cs := testConn(t)
	b := newBackend(t, cs, orgName(t))
	at := time.Now().UTC().Truncate(time.Microsecond)
	out := "Name  Server\n----  ------\nSG1   MBX01\n"
	if err := b.Journal().Append(providers.JournalEntry{Time: at, Apply: "run1", Step: "s", Event: providers.JournalDone, Output: out}); err != nil {
		t.Fatal(err)
	}
	entries, _, err := b.Journal().Entries()
	if err != nil || len(entries) != 1 || entries[0].Output != out {
		t.Fatalf("entries %+v, %v", entries, err)
	}
}

// Output the database's text cannot hold (a NUL; bytes of the console's
// code page that are not UTF-8) is kept, escaped, and the entries after
// it still reach the database. Before, the entry was refused, waited
// locally, and blocked every later push.
func TestJournalTakesAnyOutput(t *testing.T) {
	cs := testConn(t)
	b := newBackend(t, cs, orgName(t))
	at := time.Now().UTC().Truncate(time.Microsecond)
	for i, out := range []string{"Name\x00SG1", "caf\xe9", "plain"} {
		if err := b.Journal().Append(providers.JournalEntry{Time: at.Add(time.Duration(i) * time.Millisecond), Apply: "run1", Step: fmt.Sprint("s", i), Event: providers.JournalDone, Output: out}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _, err := b.Journal().Entries()
	if err != nil || len(entries) != 3 {
		t.Fatalf("%d entries, %v", len(entries), err)
	}
	if entries[0].Output != `Name\x00SG1` || entries[1].Output != "caf\uFFFD" || entries[2].Output != "plain" {
		t.Errorf("outputs %q %q %q", entries[0].Output, entries[1].Output, entries[2].Output)
	}
	if _, err := os.Stat(filepath.Join(b.pendingDir(), "journal.jsonl")); err == nil {
		t.Errorf("entries wait locally with the database up")
	}
}

// A schema newer than this exdr's is used as it is when the newer exdr
// said that this one can still read it (an added column or table), and
// refused when not: a team's older binaries keep working through an
// upgrade that only adds.
func TestNewerSchemaReadableByThisOne(t *testing.T) {
	cs := testConn(t)
	admin, err := pgx.Connect(context.Background(), cs)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	db := fmt.Sprintf("exdr_readable_%d", time.Now().UnixNano())
	if _, err := admin.Exec(context.Background(), "CREATE DATABASE "+db); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(context.Background(), "DROP DATABASE "+db+" WITH (FORCE)")
	other := strings.Replace(cs, "/exdr_test", "/"+db, 1)
	if _, err := New(other, "Contoso", t.TempDir()).Holder(); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var readable int
	if err := conn.QueryRow(context.Background(), "SELECT readable_by FROM exdr_schema").Scan(&readable); err != nil || readable < 1 || readable > SchemaVersion() {
		t.Fatalf("readable_by %d (%v)", readable, err)
	}
	conn.Exec(context.Background(), "UPDATE exdr_schema SET version = $1, readable_by = $2", SchemaVersion()+1, SchemaVersion())
	if _, err := New(other, "Contoso", t.TempDir()).Holder(); err != nil {
		t.Errorf("a newer schema this exdr can read: %v", err)
	}
	var v int
	conn.QueryRow(context.Background(), "SELECT version FROM exdr_schema").Scan(&v)
	if v != SchemaVersion()+1 {
		t.Errorf("the schema went from %d to %d: an older exdr must not touch it", SchemaVersion()+1, v)
	}
	conn.Exec(context.Background(), "UPDATE exdr_schema SET readable_by = $1", SchemaVersion()+1)
	if _, err := New(other, "Contoso", t.TempDir()).Holder(); err == nil || !strings.Contains(err.Error(), "newer than this exdr's") {
		t.Errorf("a newer schema this exdr cannot read: %v", err)
	}
}

// Each migration that only adds says which older schema still reads
// it; the schema today is readable by an exdr of schema 5.
func TestMigrationsSayWhoCanRead(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.readableBy < 1 || m.readableBy > m.version {
			t.Errorf("migration %d readable by %d", m.version, m.readableBy)
		}
	}
	if got := readableBy(ms); got != 5 || ms[4].readableBy != 4 {
		t.Errorf("readable by %d (005: %d), want 5 (005: 4)", got, ms[4].readableBy)
	}
}
