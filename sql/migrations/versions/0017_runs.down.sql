-- 0017_runs (down): drop what 0017_runs added.
DROP TABLE IF EXISTS published.headline_history, published.run_files, published.runs;
ALTER TABLE meta.files DROP COLUMN IF EXISTS period;
