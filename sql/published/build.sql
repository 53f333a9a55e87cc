-- published.build: the run building these published tables (the run schema's own run), so that outputs
-- reading published only can name the refresh their figures come from.
INSERT INTO {run}."published__build" (run_id, started_at, jsna_version)
SELECT run_id, started_at, jsna_version FROM meta.runs WHERE 'run_' || run_id = '{run}';
