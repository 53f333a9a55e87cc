-- The refresh run the published tables were built by (published.build): the run every API response names
-- and keys its ETag on. Read first in each response's snapshot.
SELECT run_id, started_at, jsna_version FROM published.build ORDER BY run_id DESC LIMIT 1;
