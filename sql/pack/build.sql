-- The refresh run that built the published tables a pack reads (published.build): its id, start and code
-- version, for the pack's cover.
SELECT run_id, started_at, jsna_version FROM published.build ORDER BY run_id DESC LIMIT 1;
