package pg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
			_, err = conn.Exec(ctx, insertEntry, b.organization, pgText(e.Apply), pgText(e.Step), string(e.Event), e.Time.UTC(), pgText(e.Error), pgText(e.Output))
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

// pendingRun is a line of pg-pending/runs.jsonl: a run's row, or its
// end, that the database could not take when the run began or ended.
type pendingRun struct {
	Info  *backend.LockInfo `json:"info,omitempty"`
	ID    string            `json:"id,omitempty"`
	Ended time.Time         `json:"ended,omitzero"`
}

func (b *Backend) pendingRunsPath() string { return filepath.Join(b.pendingDir(), "runs.jsonl") }

// keepRunLocally appends a run's row or end to the local file, for the
// next push.
func (b *Backend) keepRunLocally(r pendingRun) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(b.pendingDir(), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(b.pendingRunsPath(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// pushPending copies what waited locally (journal entries, runs' rows
// and ends) into the database in one transaction, each once, then lets
// the local files go.
func (b *Backend) pushPending(ctx context.Context, conn *pgx.Conn) error {
	journalPath := filepath.Join(b.pendingDir(), "journal.jsonl")
	_, jerr := os.Lstat(journalPath)
	runs, err := os.ReadFile(b.pendingRunsPath())
	if errors.Is(jerr, os.ErrNotExist) && errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var entries []providers.JournalEntry
	if jerr == nil {
		if entries, _, err = b.pending().Entries(); err != nil {
			return err
		}
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	for _, line := range bytes.Split(runs, []byte("\n")) {
		var r pendingRun
		if len(bytes.TrimSpace(line)) == 0 || json.Unmarshal(line, &r) != nil {
			continue // a line cut by a crash mid-write
		}
		switch {
		case r.Info != nil:
			if _, err := tx.Exec(ctx, insertRun, r.Info.ID, b.organization, r.Info.Operation, r.Info.Holder, r.Info.Created, r.Info.ConfigDigest, r.Info.GitCommit); err != nil {
				return err
			}
		case r.ID != "":
			if _, err := tx.Exec(ctx, endRun, b.organization, r.ID, r.Ended); err != nil {
				return err
			}
		}
	}
	for _, e := range entries {
		if _, err := tx.Exec(ctx, insertEntry, b.organization, pgText(e.Apply), pgText(e.Step), string(e.Event), e.Time.UTC(), pgText(e.Error), pgText(e.Output)); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	// In the database now, all of it: the local copies have served.
	for _, p := range []string{journalPath, b.pendingRunsPath()} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
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

// pgText is s as PostgreSQL's text takes it: valid UTF-8 (a shell's
// output may be in the console's code page) and no NUL, which text
// cannot hold. An entry the database refuses would otherwise wait
// locally for ever, and every entry after it with it.
func pgText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\\x00")
}
