package pg

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/exdr/exdr/backend"
)

// withConn runs f on the backend's own connection (the journal's). A
// connection the server ended since its last use (a restart, a failover,
// an idle timeout) is only found out by the query that fails on it: f is
// then run once more, on a new connection. f must be safe to run twice.
func (b *Backend) withConn(ctx context.Context, timeout time.Duration, f func(ctx context.Context, conn *pgx.Conn) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := b.journalConn(ctx)
	if err != nil {
		return err
	}
	err = f(ctx, conn)
	if err != nil && conn.IsClosed() && ctx.Err() == nil {
		b.conn = nil
		if conn, err = b.journalConn(ctx); err != nil {
			return err
		}
		err = f(ctx, conn)
	}
	return err
}

// SaveDrill keeps a drill's report.
func (b *Backend) SaveDrill(ctx context.Context, rec backend.DrillRecord) error {
	measured, err := json.Marshal(rec.Measured)
	if err != nil {
		return err
	}
	if rec.Measured == nil {
		measured = []byte("{}")
	}
	return b.withConn(ctx, 30*time.Second, func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `INSERT INTO exdr_drills (organization, drill, started, verdict, estimated_rto_seconds, lost, measured, report)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (organization, drill, started) DO NOTHING`,
			b.organization, rec.Drill, rec.Started.UTC(), rec.Verdict, rec.EstimatedRTO.Seconds(), rec.Lost, string(measured), string(rec.Report))
		return err
	})
}

// Drills are the organization's drill reports, oldest first.
func (b *Backend) Drills(ctx context.Context) ([]backend.DrillRecord, error) {
	var out []backend.DrillRecord
	err := b.withConn(ctx, 30*time.Second, func(ctx context.Context, conn *pgx.Conn) error {
		out = out[:0]
		rows, err := conn.Query(ctx, `SELECT drill, started, verdict, estimated_rto_seconds, lost, measured::text FROM exdr_drills
			WHERE organization = $1 ORDER BY started, drill`, b.organization)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r backend.DrillRecord
			var rto float64
			var measured string
			if err := rows.Scan(&r.Drill, &r.Started, &r.Verdict, &rto, &r.Lost, &measured); err != nil {
				return err
			}
			r.Started = r.Started.UTC()
			r.EstimatedRTO = time.Duration(rto * float64(time.Second))
			if err := json.Unmarshal([]byte(measured), &r.Measured); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

var _ backend.DrillKeeper = (*Backend)(nil)
