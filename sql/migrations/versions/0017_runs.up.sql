-- 0017_runs (up): run history readers may see. published.runs: one row per finished refresh (succeeded,
-- unchanged, failed or abandoned) with a one-sentence reason; published.run_files: the files each used or
-- landed (publisher, period, sha256, row accounting and the three commonest quarantine rules with their row
-- counts; never a row's content). Both are written by the run's own ending (jsna.warehouse.runs), outside the
-- run schema, so that a failed run is recorded too. published.headline_history: the headline figures each
-- build published (already disclosure-controlled), to say what changed since the previous build.
-- meta.files.period: the first and last period a landed file covers.
ALTER TABLE meta.files ADD COLUMN period text;

CREATE TABLE published.runs (
    run_id       bigint PRIMARY KEY,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    status       text NOT NULL CHECK (status IN ('succeeded', 'unchanged', 'failed', 'abandoned')),
    reason       text NOT NULL,
    files        integer NOT NULL DEFAULT 0,
    new_files    integer NOT NULL DEFAULT 0
);

CREATE TABLE published.run_files (
    run_id            bigint NOT NULL REFERENCES published.runs ON DELETE CASCADE,
    source_name       text NOT NULL,
    kind              text NOT NULL,
    publisher         text NOT NULL,
    period            text,
    file_name         text NOT NULL,
    sha256            text NOT NULL,
    new               boolean NOT NULL,
    rows_in           bigint NOT NULL,
    rows_loaded       bigint NOT NULL,
    rows_quarantined  bigint NOT NULL,
    reason_1          text,
    reason_1_rows     bigint,
    reason_2          text,
    reason_2_rows     bigint,
    reason_3          text,
    reason_3_rows     bigint,
    PRIMARY KEY (run_id, source_name, sha256)
);

CREATE TABLE published.headline_history (
    run_id        bigint NOT NULL,
    indicator_id  text NOT NULL,
    period        text NOT NULL,
    area_code     text COLLATE "C" NOT NULL,
    breakdown     text NOT NULL,
    value         double precision,
    symbol        text,
    PRIMARY KEY (run_id, indicator_id, breakdown)
);

-- the runs before this migration: their status and a reason (their files were not recorded for readers)
INSERT INTO published.runs (run_id, started_at, finished_at, status, reason)
SELECT run_id, started_at, finished_at,
       CASE WHEN status = 'succeeded' AND message = 'unchanged' THEN 'unchanged' ELSE status END,
       CASE WHEN status = 'failed' THEN 'The refresh failed before this history was kept; the operations log has why.'
            WHEN status = 'abandoned' THEN 'The process running it stopped before it finished.'
            WHEN message = 'unchanged' THEN 'Nothing changed since the last build: the published figures were kept.'
            ELSE 'Loaded and published.' END
FROM meta.runs WHERE status <> 'running';
