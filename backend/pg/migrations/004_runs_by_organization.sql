-- A run's ID is its organization's: two organizations may not collide.
ALTER TABLE exdr_runs DROP CONSTRAINT exdr_runs_pkey;
ALTER TABLE exdr_runs ADD PRIMARY KEY (organization, id);
