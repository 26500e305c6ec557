package pg

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/exdr/exdr/backend"
)

// withConn runs f on the backend's own connection (the journal's), made
// again if it was lost.
func (b *Backend) withConn(timeout time.Duration, f func(ctx context.Context, conn *pgx.Conn) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	b.mu.Lock()
	defer b.mu.Unlock()
	conn, err := b.journalConn(ctx)
	if err != nil {
		return err
	}
	return f(ctx, conn)
}

// SaveDrill keeps a drill's report.
func (b *Backend) SaveDrill(rec backend.DrillRecord) error {
	return b.withConn(30*time.Second, func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `INSERT INTO exdr_drills (organization, drill, started, verdict, estimated_rto_seconds, lost, report)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (organization, drill, started) DO NOTHING`,
			b.organization, rec.Drill, rec.Started.UTC(), rec.Verdict, rec.EstimatedRTO.Seconds(), rec.Lost, string(rec.Report))
		return err
	})
}

// Drills are the organization's drill reports, oldest first.
func (b *Backend) Drills() ([]backend.DrillRecord, error) {
	var out []backend.DrillRecord
	err := b.withConn(30*time.Second, func(ctx context.Context, conn *pgx.Conn) error {
		rows, err := conn.Query(ctx, `SELECT drill, started, verdict, estimated_rto_seconds, lost, report::text FROM exdr_drills
			WHERE organization = $1 ORDER BY started, drill`, b.organization)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r backend.DrillRecord
			var rto float64
			var report string
			if err := rows.Scan(&r.Drill, &r.Started, &r.Verdict, &rto, &r.Lost, &report); err != nil {
				return err
			}
			r.Started = r.Started.UTC()
			r.EstimatedRTO = time.Duration(rto * float64(time.Second))
			r.Report = []byte(report)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// Estimates is the rates document, nil when there is none yet.
func (b *Backend) Estimates() ([]byte, error) {
	var doc []byte
	err := b.withConn(10*time.Second, func(ctx context.Context, conn *pgx.Conn) error {
		var s string
		err := conn.QueryRow(ctx, "SELECT estimates::text FROM exdr_estimates WHERE organization = $1", b.organization).Scan(&s)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && s == "null") {
			return nil
		}
		doc = []byte(s)
		return err
	})
	return doc, err
}

// UpdateEstimates replaces the rates document in one transaction, the
// row locked from its read to its write: a second drill finishing at
// the same time waits, then learns on top of the first's rates.
func (b *Backend) UpdateEstimates(learn func(old []byte) ([]byte, error)) error {
	return b.withConn(30*time.Second, func(ctx context.Context, conn *pgx.Conn) error {
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// The row exists before it is locked, so that the first two
			// drills of an organization also wait for each other.
			if _, err := tx.Exec(ctx, `INSERT INTO exdr_estimates (organization, estimates, updated) VALUES ($1, 'null', now())
				ON CONFLICT (organization) DO NOTHING`, b.organization); err != nil {
				return err
			}
			var old string
			if err := tx.QueryRow(ctx, "SELECT estimates::text FROM exdr_estimates WHERE organization = $1 FOR UPDATE", b.organization).Scan(&old); err != nil {
				return err
			}
			var prev []byte
			if old != "null" {
				prev = []byte(old)
			}
			doc, err := learn(prev)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, "UPDATE exdr_estimates SET estimates = $2, updated = now() WHERE organization = $1", b.organization, string(doc))
			return err
		})
	})
}

var _ backend.DrillKeeper = (*Backend)(nil)
