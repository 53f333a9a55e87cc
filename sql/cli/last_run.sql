-- The latest refresh run: its id, status and when it finished, for `jsna db status`.
SELECT run_id, status, finished_at FROM meta.runs ORDER BY run_id DESC LIMIT 1;
