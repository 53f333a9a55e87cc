-- The schemas of runs no longer running (killed runs, once recorded as abandoned, and runs whose bookkeeping was
-- itself rolled back), dropped while the refresh lock is held. Names are quoted by format(%I).
DO $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT nspname FROM pg_namespace
             WHERE nspname ~ '^run_[0-9]+$'
               AND substr(nspname, 5)::bigint NOT IN (SELECT run_id FROM meta.runs WHERE status = 'running')
    LOOP
        EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', s.nspname);
    END LOOP;
END
$$;
