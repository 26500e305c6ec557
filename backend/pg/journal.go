package pg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/providers"
)

// journal appends to exdr_journal; while the database cannot be reached,
// to a local file, pushed on the next append or read that reaches it.
type journal struct{ b *Backend }

// pendingDir is where entries wait for the database.
func (b *Backend) pendingDir() string { return filepath.Join(b.local.String(), "pg-pending") }

func (b *Backend) pending() providers.Journal { return backend.NewDir(b.pendingDir()).Journal() }

// journalConn is the journal's connection, made again when it was lost.
// Call with b.mu held.
func (b *Backend) journalConn(ctx context.Context) (*pgx.Conn, error) {
	if b.conn != nil && !b.conn.IsClosed() {
		return b.conn, nil
	}
	conn, err := b.connect(ctx)
	if err != nil {
		return nil, err
	}
	b.conn = conn
	return conn, nil
}

const insertEntry = `INSERT INTO exdr_journal (organization, apply, step, event, at, error, output) VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (organization, apply, step, event, at) DO NOTHING`

func (j *journal) Append(e providers.JournalEntry) error {
	b := j.b
	b.mu.Lock()
	defer b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := b.journalConn(ctx)
	if err == nil {
		if err = b.pushPending(ctx, conn); err == nil {
			_, err = conn.Exec(ctx, insertEntry, b.organization, e.Apply, e.Step, string(e.Event), e.Time.UTC(), e.Error, e.Output)
		}
	}
	if err == nil {
		return nil
	}
	// The database is out of reach: the entry waits beside the
	// configuration, and nothing is lost.
	if b.conn != nil {
		b.conn.Close(context.Background())
		b.conn = nil
	}
	if lerr := b.pending().Append(e); lerr != nil {
		return fmt.Errorf("journal to %s: %v; and to the local file %s: %w", b, err, b.pendingDir(), lerr)
	}
	return nil
}

// pushPending copies the entries that waited locally into the database,
// each once, then lets the local file go.
func (b *Backend) pushPending(ctx context.Context, conn *pgx.Conn) error {
	path := filepath.Join(b.pendingDir(), "journal.jsonl")
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	entries, _, err := b.pending().Entries()
	if err != nil {
		return err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	for _, e := range entries {
		if _, err := tx.Exec(ctx, insertEntry, b.organization, e.Apply, e.Step, string(e.Event), e.Time.UTC(), e.Error, e.Output); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	// In the database now, every entry: the local copy has served.
	return os.Remove(path)
}

func (j *journal) Entries() ([]providers.JournalEntry, []string, error) {
	b := j.b
	b.mu.Lock()
	defer b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := b.journalConn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := b.pushPending(ctx, conn); err != nil {
		return nil, nil, fmt.Errorf("push the journal entries kept in %s while the database was out of reach: %w", b.pendingDir(), err)
	}
	rows, err := conn.Query(ctx, "SELECT apply, step, event, at, error, output FROM exdr_journal WHERE organization = $1 ORDER BY seq", b.organization)
	if err != nil {
		return nil, nil, err
	}
	var out []providers.JournalEntry
	for rows.Next() {
		var e providers.JournalEntry
		var event string
		if err := rows.Scan(&e.Apply, &e.Step, &event, &e.Time, &e.Error, &e.Output); err != nil {
			rows.Close()
			return nil, nil, err
		}
		e.Event, e.Time = providers.JournalEvent(event), e.Time.UTC()
		out = append(out, e)
	}
	return out, nil, rows.Err()
}

// Close lets the journal's connection go.
func (b *Backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn == nil {
		return nil
	}
	err := b.conn.Close(context.Background())
	b.conn = nil
	return err
}
