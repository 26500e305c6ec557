-- The lock's row: who holds an organization's advisory lock, and for what.
CREATE TABLE exdr_locks (
    organization text PRIMARY KEY,
    id           text NOT NULL,
    holder       text NOT NULL,
    host         text NOT NULL DEFAULT '',
    pid          integer NOT NULL DEFAULT 0,
    operation    text NOT NULL,
    created      timestamptz NOT NULL,
    backend_pid  integer NOT NULL
);

-- One row per run taken under the lock.
CREATE TABLE exdr_runs (
    id           text PRIMARY KEY,
    organization text NOT NULL,
    operation    text NOT NULL,
    holder       text NOT NULL,
    started      timestamptz NOT NULL,
    ended        timestamptz
);
CREATE INDEX exdr_runs_by_organization ON exdr_runs (organization, started DESC);

-- Every step's start and end.
CREATE TABLE exdr_journal (
    seq          bigserial PRIMARY KEY,
    organization text NOT NULL,
    apply        text NOT NULL,
    step         text NOT NULL DEFAULT '',
    event        text NOT NULL,
    at           timestamptz NOT NULL,
    error        text NOT NULL DEFAULT '',
    UNIQUE (organization, apply, step, event, at)
);
