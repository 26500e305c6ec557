-- readable by schema 5
-- What each step's commands printed, on its end's entry.
ALTER TABLE exdr_journal ADD COLUMN output text NOT NULL DEFAULT '';
