-- Which configuration each run was of: its files' digest and its git commit.
ALTER TABLE exdr_runs ADD COLUMN config_digest text NOT NULL DEFAULT '';
ALTER TABLE exdr_runs ADD COLUMN git_commit text NOT NULL DEFAULT '';
