-- The history counts each run's steps: the journal by run.
CREATE INDEX exdr_journal_by_run ON exdr_journal (organization, apply);
