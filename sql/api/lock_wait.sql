-- Bounds how long one API response waits for its share locks (run before sql/api/snapshot.sql): a refresh
-- swapping in its published tables holds them for a moment; a response that would wait longer than :ms
-- milliseconds behind it gives up (the API answers 503 with Retry-After) instead of queueing without end.
SELECT set_config('lock_timeout', CAST(:ms AS text), true);
