package pg

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BenchmarkLockUnlock: taking the organization's lock (a connection of
// its own, the advisory lock, the holder's row) and letting it go.
//
//	EXDR_TEST_PG_CONN_STR=... go test ./backend/pg -run XXX -bench LockUnlock
func BenchmarkLockUnlock(b *testing.B) {
	cs := testConn(b)
	be := New(cs, fmt.Sprintf("bench-lock-%d", time.Now().UnixNano()), b.TempDir())
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_, unlock, err := be.Lock(context.Background(), info(fmt.Sprintf("b%d", i)), 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := unlock(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRuns10k: listing the history of an organization of 10,000
// runs of 20 steps each (400,000 journal entries).
func BenchmarkRuns10k(b *testing.B) {
	cs := testConn(b)
	org := fmt.Sprintf("bench-history-%d", time.Now().UnixNano())
	conn, err := pgx.Connect(context.Background(), cs)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(context.Background())
	be := New(cs, org, b.TempDir())
	defer be.Close()
	if _, err := be.Holder(); err != nil { // migrates
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `INSERT INTO exdr_runs (id, organization, operation, holder, started, ended)
		SELECT $1 || '-run' || i, $1, 'apply', 'bench@host (pid 1)', now() - i * interval '1 minute', now() - i * interval '1 minute' + interval '30 seconds'
		FROM generate_series(1, 10000) i`, org); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO exdr_journal (organization, apply, step, event, at)
		SELECT $1, $1 || '-run' || i, 'step' || s, e, now() - i * interval '1 minute' + s * interval '1 second'
		FROM generate_series(1, 10000) i, generate_series(1, 20) s, unnest(ARRAY['start', 'done']) e`, org); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		conn.Exec(context.Background(), "DELETE FROM exdr_journal WHERE organization = $1", org)
		conn.Exec(context.Background(), "DELETE FROM exdr_runs WHERE organization = $1", org)
	})
	for _, n := range []int{0, 20} {
		want := 10000
		if n > 0 {
			want = n
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				runs, err := be.Runs(n)
				if err != nil {
					b.Fatal(err)
				}
				if len(runs) != want || runs[0].Steps["start"] != 20 {
					b.Fatalf("%d runs, the newest with %v", len(runs), runs[0].Steps)
				}
			}
		})
	}
}
