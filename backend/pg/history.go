package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/providers"
	"github.com/jackc/pgx/v5"
)

// Runs are the organization's runs, newest first, each with its journal
// entries counted by event; entries that waited locally are pushed
// first, so that they count.
func (b *Backend) Runs(n int) ([]backend.Run, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b.mu.Lock()
	defer b.mu.Unlock()
	conn, err := b.journalConn(ctx)
	if err != nil {
		return nil, err
	}
	if err := b.pushPending(ctx, conn); err != nil {
		return nil, err
	}
	limit := any(nil)
	if n > 0 {
		limit = n
	}
	// The runs first, newest first and as many as asked for, then each
	// one's entries counted through the journal's index by run.
	rows, err := conn.Query(ctx, `WITH r AS (
			SELECT id, organization, operation, holder, started, ended, config_digest, git_commit FROM exdr_runs
			WHERE organization = $1 ORDER BY started DESC, id LIMIT $2)
		SELECT r.id, r.operation, r.holder, r.started, r.ended, r.config_digest, r.git_commit, c.start, c.done, c.failed, c.skipped
		FROM r LEFT JOIN LATERAL (
			SELECT count(*) FILTER (WHERE j.event = 'start') AS start, count(*) FILTER (WHERE j.event = 'done') AS done,
				count(*) FILTER (WHERE j.event = 'failed') AS failed, count(*) FILTER (WHERE j.event = 'skipped') AS skipped
			FROM exdr_journal j WHERE j.organization = r.organization AND j.apply = r.id) c ON true
		ORDER BY r.started DESC, r.id`, b.organization, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []backend.Run
	for rows.Next() {
		var r backend.Run
		var ended *time.Time
		var start, done, failed, skipped int
		if err := rows.Scan(&r.ID, &r.Operation, &r.Holder, &r.Started, &ended, &r.ConfigDigest, &r.GitCommit, &start, &done, &failed, &skipped); err != nil {
			return nil, err
		}
		r.Started = r.Started.UTC()
		if ended != nil {
			r.Ended = ended.UTC()
		}
		r.Steps = map[providers.JournalEvent]int{}
		for ev, c := range map[providers.JournalEvent]int{providers.JournalStart: start, providers.JournalDone: done, providers.JournalFailed: failed, providers.JournalSkipped: skipped} {
			if c > 0 {
				r.Steps[ev] = c
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const insertRun = `INSERT INTO exdr_runs (id, organization, operation, holder, started, config_digest, git_commit)
	VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (organization, id) DO NOTHING`

const endRun = "UPDATE exdr_runs SET ended = $3 WHERE organization = $1 AND id = $2 AND ended IS NULL"

// RecordRun adds a run taken without the lock to the history. With the
// database out of reach, the row waits on this machine and is pushed
// with the journal's entries: the error still says the database did not
// take it now.
func (b *Backend) RecordRun(info backend.LockInfo) error {
	err := b.withConn(context.Background(), 10*time.Second, func(ctx context.Context, conn *pgx.Conn) error {
		if err := b.pushPending(ctx, conn); err != nil {
			return err
		}
		_, err := conn.Exec(ctx, insertRun, info.ID, b.organization, info.Operation, info.Holder, info.Created, info.ConfigDigest, info.GitCommit)
		return err
	})
	if err != nil {
		if lerr := b.keepRunLocally(pendingRun{Info: &info}); lerr != nil {
			return fmt.Errorf("%w; and keeping it in %s: %v", err, b.pendingDir(), lerr)
		}
		return fmt.Errorf("%w (kept in %s until the database answers)", err, b.pendingDir())
	}
	return nil
}

// EndRun notes when a run recorded by RecordRun ended; with the database
// out of reach, as RecordRun.
func (b *Backend) EndRun(id string) error {
	now := time.Now().UTC()
	err := b.withConn(context.Background(), 10*time.Second, func(ctx context.Context, conn *pgx.Conn) error {
		if err := b.pushPending(ctx, conn); err != nil {
			return err
		}
		_, err := conn.Exec(ctx, endRun, b.organization, id, now)
		return err
	})
	if err != nil {
		if lerr := b.keepRunLocally(pendingRun{ID: id, Ended: now}); lerr != nil {
			return fmt.Errorf("%w; and keeping it in %s: %v", err, b.pendingDir(), lerr)
		}
		return fmt.Errorf("%w (kept in %s until the database answers)", err, b.pendingDir())
	}
	return nil
}
