package pg

import (
	"context"
	"embed"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one upgrade of the schema, from the version before it.
// readableBy is the oldest schema version whose exdr still works on the
// schema it makes (a first line "-- readable by schema N": an added
// table or column an older exdr leaves alone); its own version when not
// said.
type migration struct {
	version    int
	readableBy int
	sql        string
}

const readableMarker = "-- readable by schema "

// migrations are the embedded upgrades, in order: NNN_name.sql makes
// version NNN.
func migrations() ([]migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s is not named NNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		m := migration{version: v, readableBy: v, sql: string(b)}
		if first, _, _ := strings.Cut(m.sql, "\n"); strings.HasPrefix(first, readableMarker) {
			r, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(first, readableMarker)))
			if err != nil || r < 1 || r > v {
				return nil, fmt.Errorf("migration %s: %q is not a schema version from 1 to %d", e.Name(), first, v)
			}
			m.readableBy = r
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations skip from version %d to %d", i, m.version)
		}
	}
	return out, nil
}

// SchemaVersion is the schema this exdr writes.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// migrationKey is the advisory lock two exdr processes migrating the
// same database at once take turns on.
var migrationKey = lockKey("exdr schema")

// migrate brings the database's schema to this exdr's version, each
// upgrade in a transaction, and refuses a schema newer than this exdr.
func migrate(ctx context.Context, conn *pgx.Conn) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationKey); err != nil {
		return fmt.Errorf("wait for the schema's lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationKey)
	if _, err := conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS exdr_schema (version integer NOT NULL)"); err != nil {
		return fmt.Errorf("create exdr_schema: %w", err)
	}
	// The oldest exdr that may still use the schema: exdr before it
	// was kept compared the version alone.
	if _, err := conn.Exec(ctx, "ALTER TABLE exdr_schema ADD COLUMN IF NOT EXISTS readable_by integer"); err != nil {
		return fmt.Errorf("upgrade exdr_schema: %w", err)
	}
	var current int
	var readable *int
	err = conn.QueryRow(ctx, "SELECT version, readable_by FROM exdr_schema").Scan(&current, &readable)
	switch {
	case err == pgx.ErrNoRows:
		current = 0
	case err != nil:
		return fmt.Errorf("read the schema version: %w", err)
	}
	if current == len(ms) && (readable == nil || *readable != readableBy(ms)) {
		// A database migrated before readable_by was kept.
		if _, err := conn.Exec(ctx, "UPDATE exdr_schema SET readable_by = $1", readableBy(ms)); err != nil {
			return fmt.Errorf("upgrade exdr_schema: %w", err)
		}
	}
	if current > len(ms) {
		if readable != nil && *readable <= len(ms) {
			return nil // newer, but only by what this exdr leaves alone
		}
		return fmt.Errorf("the database's exdr schema is version %d, newer than this exdr's (%d): run a newer exdr (an older one could misread what a newer one wrote)", current, len(ms))
	}
	for _, m := range ms[current:] {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			tx.Rollback(ctx)
			return fmt.Errorf("upgrade the schema to version %d: %w", m.version, err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM exdr_schema"); err != nil {
			tx.Rollback(ctx)
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO exdr_schema (version, readable_by) VALUES ($1, $2)", m.version, readableBy(ms[:m.version])); err != nil {
			tx.Rollback(ctx)
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("upgrade the schema to version %d: %w", m.version, err)
		}
	}
	return nil
}

// readableBy is the oldest schema version whose exdr works on the schema
// these migrations make: it must cope with every one of them.
func readableBy(ms []migration) int {
	r := 0
	for _, m := range ms {
		r = max(r, m.readableBy)
	}
	return r
}
