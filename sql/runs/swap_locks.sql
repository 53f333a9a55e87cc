-- Every live core and published table the swap (swap_in.sql) replaces, locked ACCESS EXCLUSIVE before anything
-- moves, in the order the swap takes them (by staged name), inside the commit's transaction. The commit waits
-- only briefly for them (its lock_timeout): where a reader holds one (a dashboard mid-statement that will ask
-- for another next), the commit gives all of them up and tries again a moment later, instead of each waiting on
-- the other until PostgreSQL's deadlock check ends one of them, perhaps the commit.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT split_part(table_name, '__', 1) AS layer,
                    substr(table_name, strpos(table_name, '__') + 2) AS live
             FROM information_schema.tables
             WHERE table_schema = '{run}' AND table_type = 'BASE TABLE'
               AND split_part(table_name, '__', 1) IN ('core', 'published')
             ORDER BY table_name LOOP
        IF to_regclass(format('%I.%I', t.layer, t.live)) IS NOT NULL THEN
            EXECUTE format('LOCK TABLE %I.%I IN ACCESS EXCLUSIVE MODE', t.layer, t.live);
        END IF;
    END LOOP;
END
$$;
