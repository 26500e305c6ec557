package pg

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/exdr/exdr/internal/connstr"

	"github.com/jackc/pgx/v5"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/providers"
)

// Backend keeps an organization's lock, journal and run history in a
// PostgreSQL database.
type Backend struct {
	connStr string
	// organization is the name as the configuration gives it;
	// orgKey, the key of its rows: Exchange's names ignore case.
	name, organization string
	key                int64
	// local is where journal entries wait while the database cannot be
	// reached.
	local *backend.Dir
	// CheckInterval is how often a held lock checks its connection and
	// its row (default: every second).
	CheckInterval time.Duration
	// ConnectTimeout bounds each connection attempt (default 10s).
	ConnectTimeout time.Duration

	mu   sync.Mutex // guards conn, the journal's connection
	conn *pgx.Conn
}

// New is the backend of organization in the database connStr names;
// localDir keeps journal entries the database could not take.
func New(connStr, organization, localDir string) *Backend {
	return &Backend{connStr: connStr, name: organization, organization: strings.ToLower(organization), key: lockKey("exdr organization " + strings.ToLower(organization)),
		local: backend.NewDir(localDir)}
}

// lockKey is the advisory lock's key for a name: the first 8 bytes of
// its SHA-256.
func lockKey(name string) int64 {
	sum := sha256.Sum256([]byte(name))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// String names the database without its password, for messages.
func (b *Backend) String() string { return "PostgreSQL " + Redact(b.connStr) }

// withoutPassword is msg with the connection's password, wherever the
// driver may have quoted it, replaced.
func (b *Backend) withoutPassword(msg string) string {
	if cfg, err := pgx.ParseConfig(b.connStr); err == nil && cfg.Password != "" {
		msg = strings.ReplaceAll(msg, cfg.Password, "REDACTED")
	}
	return msg
}

// Redact is a connection string with its password, if any, replaced.
func Redact(connStr string) string { return connstr.Redact(connStr) }

// HasPassword says whether a connection string carries a password.
func HasPassword(connStr string) bool { return connstr.HasPassword(connStr) }

func (b *Backend) connect(ctx context.Context) (*pgx.Conn, error) {
	timeout := b.ConnectTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := pgx.Connect(cctx, b.connStr)
	if err != nil {
		// pgx lists each address it tried on a line of its own: one
		// line here, so that a warning stays one.
		msg := strings.ReplaceAll(strings.ReplaceAll(b.withoutPassword(err.Error()), ":\n\t", ": "), "\n\t", "; ")
		return nil, fmt.Errorf("connect to %s: %s (is the server up, and does %s name it?)", b, msg, "EXDR_PG_CONN_STR")
	}
	if err := migrate(ctx, conn); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return conn, nil
}

// releaseLock deletes the holder's row and lets the advisory lock go in
// one statement: another run never finds the lock held with nobody
// named.
const releaseLock = `WITH gone AS (DELETE FROM exdr_locks WHERE organization = $1 AND id = $2 RETURNING 1)
	SELECT pg_advisory_unlock($3) FROM (SELECT count(*) FROM gone) AS g`

// recordGrace is how long past its wait a refused Lock looks for the
// holder's row: a holder records itself just after it takes the lock.
const recordGrace = 3 * time.Second

// Lock takes the organization's advisory lock on a connection of its
// own and records the holder. The lock's context is cancelled if the
// connection is lost (the lock can no longer be trusted: PostgreSQL may
// have given it to someone else) or the row is removed by force-unlock.
func (b *Backend) Lock(ctx context.Context, info backend.LockInfo, wait time.Duration) (context.Context, func() error, error) {
	conn, err := b.connect(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("take the lock: %w. To go on without it, give -lock=false: nobody else can then see this run, and its journal waits on this machine until the database answers", err)
	}
	deadline := time.Now().Add(wait)
	for {
		got, err := b.tryLock(ctx, conn, info)
		if err != nil {
			conn.Close(context.WithoutCancel(ctx))
			return nil, nil, fmt.Errorf("take the lock: %w", err)
		}
		if got {
			break
		}
		if time.Now().After(deadline) {
			held, herr := b.rowOn(ctx, conn)
			if herr == nil && held == nil && time.Now().Before(deadline.Add(recordGrace)) {
				// Taken a moment ago, its holder not recorded yet (or
				// let go just now): look again, so that the refusal
				// names who holds it.
				select {
				case <-ctx.Done():
				case <-time.After(20 * time.Millisecond):
					continue
				}
			}
			conn.Close(context.WithoutCancel(ctx))
			if herr != nil {
				return nil, nil, herr
			}
			if held == nil {
				held = &backend.LockInfo{Holder: "a session that has not recorded itself yet", Created: time.Now().UTC()}
			}
			return nil, nil, &backend.LockedError{Info: *held}
		}
		select {
		case <-ctx.Done():
			conn.Close(context.WithoutCancel(ctx))
			return nil, nil, context.Cause(ctx)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := b.record(ctx, conn, info); err != nil {
		conn.Exec(context.WithoutCancel(ctx), releaseLock, b.organization, info.ID, b.key)
		conn.Close(context.WithoutCancel(ctx))
		return nil, nil, fmt.Errorf("record the lock's holder: %w", err)
	}

	var connMu sync.Mutex // the watch and unlock share the connection
	watched, stop := backend.Watch(ctx, b.CheckInterval, func(ctx context.Context) error {
		connMu.Lock()
		id, err := b.rowID(ctx, conn)
		connMu.Unlock()
		switch {
		case ctx.Err() != nil:
			return context.Cause(ctx)
		case err != nil:
			return fmt.Errorf("the connection to %s was lost (%v): the lock can no longer be trusted", b, err)
		case id != info.ID:
			return fmt.Errorf("the lock %s was lost while held: someone ran force-unlock", info.ID)
		}
		return nil
	})
	var once sync.Once
	unlock := func() error {
		var err error
		once.Do(func() {
			stop()
			connMu.Lock()
			defer connMu.Unlock()
			bg, stop := context.WithTimeout(context.Background(), 10*time.Second)
			defer stop()
			if _, derr := conn.Exec(bg, "UPDATE exdr_runs SET ended = now() WHERE organization = $1 AND id = $2 AND ended IS NULL", b.organization, info.ID); derr == nil {
				_, err = conn.Exec(bg, releaseLock, b.organization, info.ID, b.key)
			}
			// A connection that is gone has let go of the lock already.
			conn.Close(bg)
		})
		return err
	}
	return watched, unlock, nil
}

// tryLock takes the advisory lock and, if it got it, writes the
// holder's row, in one statement: another run finds the lock held with
// its holder named, but for the moment the statement takes.
func (b *Backend) tryLock(ctx context.Context, conn *pgx.Conn, info backend.LockInfo) (bool, error) {
	rows, err := conn.Query(ctx, `WITH l AS (SELECT pg_try_advisory_lock($8) AS got)
		INSERT INTO exdr_locks (organization, id, holder, host, pid, operation, created, backend_pid)
		SELECT $1, $2, $3, $4, $5, $6, $7, pg_backend_pid() FROM l WHERE l.got
		ON CONFLICT (organization) DO UPDATE SET id = $2, holder = $3, host = $4, pid = $5, operation = $6, created = $7, backend_pid = pg_backend_pid()
		RETURNING 1`,
		b.organization, info.ID, info.Holder, info.Host, info.PID, info.Operation, info.Created, b.key)
	if err != nil {
		return false, err
	}
	got := rows.Next()
	rows.Close()
	return got, rows.Err()
}

// record writes, for a run that changes the organization, its history
// row (the holder's row is written as the lock is taken).
func (b *Backend) record(ctx context.Context, conn *pgx.Conn, info backend.LockInfo) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if info.Operation != "plan" {
		// Started when the lock was taken, not when the run asked for
		// it: how long a run took leaves out its wait for another.
		if _, err := tx.Exec(ctx, `INSERT INTO exdr_runs (id, organization, operation, holder, started, config_digest, git_commit)
			VALUES ($1, $2, $3, $4, now(), $5, $6) ON CONFLICT (organization, id) DO NOTHING`,
			info.ID, b.organization, info.Operation, info.Holder, info.ConfigDigest, info.GitCommit); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

func (b *Backend) rowID(ctx context.Context, conn *pgx.Conn) (string, error) {
	var id string
	err := conn.QueryRow(ctx, "SELECT id FROM exdr_locks WHERE organization = $1", b.organization).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// rowOn reads the lock's row, nil when there is none.
func (b *Backend) rowOn(ctx context.Context, conn *pgx.Conn) (*backend.LockInfo, error) {
	var li backend.LockInfo
	err := conn.QueryRow(ctx, "SELECT id, holder, host, pid, operation, created FROM exdr_locks WHERE organization = $1", b.organization).
		Scan(&li.ID, &li.Holder, &li.Host, &li.PID, &li.Operation, &li.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	li.Created = li.Created.UTC()
	return &li, nil
}

// held says whether a session holds the organization's advisory lock.
func (b *Backend) held(ctx context.Context, conn *pgx.Conn) (bool, error) {
	var n int
	err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid = $1 AND objid = $2 AND objsubid = 1`,
		uint32(uint64(b.key)>>32), uint32(uint64(b.key))).Scan(&n)
	return n > 0, err
}

// Holder is who holds the lock: the row of a session that holds the
// advisory lock. A row whose session is gone (its server restarted)
// holds nothing.
func (b *Backend) Holder() (*backend.LockInfo, error) {
	ctx := context.Background()
	conn, err := b.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	held, err := b.held(ctx, conn)
	if err != nil || !held {
		return nil, err
	}
	li, err := b.rowOn(ctx, conn)
	if err != nil {
		return nil, err
	}
	if li == nil {
		li = &backend.LockInfo{Holder: "a session that has not recorded itself yet", Created: time.Now().UTC()}
	}
	// As the local backend's: a held lock is also a *LockedError, which
	// -lock=false warns of.
	return li, &backend.LockedError{Info: *li}
}

// ForceUnlock ends the session holding the lock with the given ID and
// removes its row.
func (b *Backend) ForceUnlock(id string) (string, error) {
	ctx := context.Background()
	conn, err := b.connect(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	li, err := b.rowOn(ctx, conn)
	if err != nil {
		return "", err
	}
	if li == nil {
		return "", fmt.Errorf("the organization %s is not locked in %s", backend.Printable(b.name), b)
	}
	if li.ID != id {
		return "", fmt.Errorf("the lock of %s has the ID %s, not %s: check the ID the refusal printed", backend.Printable(b.name), backend.Printable(li.ID), backend.Printable(id))
	}
	var backendPID int
	if err := conn.QueryRow(ctx, "SELECT backend_pid FROM exdr_locks WHERE organization = $1", b.organization).Scan(&backendPID); err != nil {
		return "", err
	}
	ended := false
	if held, err := b.held(ctx, conn); err == nil && held {
		if err := conn.QueryRow(ctx, "SELECT pg_terminate_backend($1)", backendPID).Scan(&ended); err != nil {
			return "", fmt.Errorf("end the holder's session: %w", err)
		}
	}
	if _, err := conn.Exec(ctx, "DELETE FROM exdr_locks WHERE organization = $1 AND id = $2", b.organization, id); err != nil {
		return "", err
	}
	if ended {
		return fmt.Sprintf("Removed the lock %s held by %s for %s; its database session was ended, so a run still under it stops at its next check.",
			backend.Printable(id), backend.Printable(li.Holder), backend.Printable(li.Operation)), nil
	}
	return fmt.Sprintf("Removed the lock %s of %s for %s; no session held it any more.", backend.Printable(id), backend.Printable(li.Holder), backend.Printable(li.Operation)), nil
}

// Journal is the organization's journal in the database.
func (b *Backend) Journal() providers.Journal { return &journal{b: b} }
