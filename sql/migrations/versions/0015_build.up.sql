-- 0015_build (up): published.build, one row naming the refresh run that built the published tables (its id,
-- when it started, the code's version and fingerprint). It is built and swapped in with them, so an output
-- reading `published` as jsna_reader can say which run its figures come from; a run that found nothing to
-- rebuild leaves it as it was, like the rest of published.
CREATE TABLE published.build (
    run_id        bigint PRIMARY KEY,
    started_at    timestamptz NOT NULL,
    jsna_version  text
);
