-- readable by schema 4
-- Every drill's report: the figures the history lists, the rates its
-- steps ran at (what plans estimate from), and the whole report as its
-- JSON file holds it.
CREATE TABLE exdr_drills (
    organization          text NOT NULL,
    drill                 text NOT NULL,
    started               timestamptz NOT NULL,
    verdict               text NOT NULL,
    estimated_rto_seconds double precision NOT NULL,
    lost                  integer NOT NULL,
    measured              jsonb NOT NULL DEFAULT '{}',
    report                jsonb NOT NULL,
    PRIMARY KEY (organization, drill, started)
);
