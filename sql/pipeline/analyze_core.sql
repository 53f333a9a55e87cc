-- Fresh planner statistics for every core table the run has built ({run}."core__*"), before the
-- indicators' queries read them. Table names are quoted by format(%I).
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables
             WHERE schemaname = '{run}' AND tablename LIKE 'core\_\_%' ORDER BY tablename
    LOOP
        EXECUTE format('ANALYZE %I.%I', '{run}', t);
    END LOOP;
END
$$;
