-- Record how run :run_id ended where readers see it (published.runs): when it started and finished, its status
-- (succeeded, unchanged, failed, abandoned) and a one-sentence reason written for people (never a record's
-- content). Written by the run's ending itself, outside the run schema, so a failed run is recorded too.
INSERT INTO published.runs (run_id, started_at, finished_at, status, reason)
SELECT run_id, started_at, coalesce(finished_at, now()), :status, :reason
FROM meta.runs WHERE run_id = :run_id
ON CONFLICT (run_id) DO UPDATE
SET finished_at = excluded.finished_at, status = excluded.status, reason = excluded.reason;
