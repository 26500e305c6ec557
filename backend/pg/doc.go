// Package pg is the PostgreSQL backend: what a team recovering an
// organization from several machines shares, kept in one database.
//
//   - The lock: a session-level advisory lock keyed by the organization's
//     name, held on a connection of its own for as long as the run lasts,
//     and a row in exdr_locks naming the holder (user@host, pid), the
//     operation, the start and the plan. PostgreSQL ends the session of a
//     holder that dies (kill -9, a cut network), and the advisory lock
//     with it: no force-unlock is needed then. force-unlock ends the
//     holder's session and removes its row.
//   - The journal: every step's start and end, in exdr_journal, as the
//     run goes. When the database cannot be reached, entries go to a
//     local file beside the configuration and are pushed the next time it
//     can be, each once (a unique key makes a second push a no-op).
//   - The run history: exdr_runs, a row per run taken under the lock.
//   - The drills: exdr_drills, each report with the rates its steps ran
//     at (what plans estimate from, folded in the order the drills ran)
//     and its JSON whole.
//
// The schema is versioned (exdr_schema) and migrated by exdr itself on
// first use, each upgrade in a transaction under an advisory lock of its
// own; an exdr older than the database's schema refuses it, unless each
// newer upgrade said that exdr still reads it (exdr_schema.readable_by:
// an upgrade that only adds a table or a defaulted column).
//
// Imports (exdr): backend, internal/connstr, providers.
package pg
