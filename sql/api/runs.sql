-- Refreshes (published.runs), newest first: when each started and finished, its status, its reason and
-- how many files it used and landed.
SELECT run_id, started_at, finished_at, status, reason, files, new_files
FROM published.runs
ORDER BY run_id DESC
LIMIT :limit OFFSET :offset;
