-- Bounds how long one API response waits for its share locks (run before sql/api/snapshot.sql): a refresh
-- swapping in its published tables holds them for a moment; a response that would wait longer than :ms
-- milliseconds behind it gives up (the API answers 503 with Retry-After) instead of queueing without end.
-- A SET, not a SELECT: in a REPEATABLE READ transaction the first query takes the snapshot, which must come
-- after the locks. SET takes no server-side parameter: :ms is bound by the client (a quoted literal).
SET LOCAL lock_timeout = :ms;
