-- Make the run's work the warehouse's, inside the commit's transaction (jsna.warehouse.runs.commit_run): its new
-- files, quarantined rows and validation rules into meta; its views dropped (those over its landed partitions go
-- before the partitions move; those over live core tables it did not rebuild are not swapped in); each landed
-- partition moved to raw, renamed and attached to its table; each staged core and published table swapped in for
-- the live one. Identifiers are quoted by format(%I).
INSERT INTO meta.files SELECT * FROM {run}.files;
INSERT INTO meta.quarantine SELECT * FROM {run}.quarantine;
INSERT INTO meta.validation SELECT * FROM {run}.validation;
DO $$
DECLARE
    v record;
    f record;
    t record;
BEGIN
    FOR v IN SELECT table_name FROM information_schema.views WHERE table_schema = '{run}' LOOP
        EXECUTE format('DROP VIEW %I.%I', '{run}', v.table_name);
    END LOOP;
    FOR f IN SELECT raw_table, raw_table || '__f' || file_id AS part, file_id FROM {run}.files ORDER BY file_id LOOP
        EXECUTE format('ALTER TABLE %I.%I SET SCHEMA raw', '{run}', 'raw__' || f.part);
        EXECUTE format('ALTER TABLE raw.%I RENAME TO %I', 'raw__' || f.part, f.part);
        EXECUTE format('ALTER TABLE raw.%I ATTACH PARTITION raw.%I FOR VALUES IN (%s)', f.raw_table, f.part,
                       f.file_id);
    END LOOP;
    FOR t IN SELECT table_name, split_part(table_name, '__', 1) AS layer,
                    substr(table_name, strpos(table_name, '__') + 2) AS live
             FROM information_schema.tables
             WHERE table_schema = '{run}' AND table_type = 'BASE TABLE'
               AND split_part(table_name, '__', 1) IN ('core', 'published')
             ORDER BY table_name LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I.%I CASCADE', t.layer, t.live);
        EXECUTE format('ALTER TABLE %I.%I SET SCHEMA %I', '{run}', t.table_name, t.layer);
        EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', t.layer, t.table_name, t.live);
    END LOOP;
END
$$;
