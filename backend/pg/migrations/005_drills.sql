-- Every drill's report: the figures the history lists, and the whole
-- report as its JSON file holds it.
CREATE TABLE exdr_drills (
    organization          text NOT NULL,
    drill                 text NOT NULL,
    started               timestamptz NOT NULL,
    verdict               text NOT NULL,
    estimated_rto_seconds double precision NOT NULL,
    lost                  integer NOT NULL,
    report                jsonb NOT NULL,
    PRIMARY KEY (organization, drill, started)
);

-- The rates drills measured (drills/estimates.json without a backend).
CREATE TABLE exdr_estimates (
    organization text PRIMARY KEY,
    estimates    jsonb NOT NULL,
    updated      timestamptz NOT NULL
);
