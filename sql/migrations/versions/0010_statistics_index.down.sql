-- 0010_statistics_index (down): the eight-part primary key back in place of the dataset index (found by its
-- column, as a refresh keeps the index name of the table it swapped in).
DO $$
DECLARE idx text;
BEGIN
    FOR idx IN SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
               WHERE x.indrelid = 'core.statistics'::regclass AND NOT x.indisprimary LOOP
        EXECUTE 'DROP INDEX core.' || quote_ident(idx);
    END LOOP;
END $$;
ALTER TABLE core.statistics ADD PRIMARY KEY (dataset, measure, time_period, time_identifier, geographic_level,
                                             area_code, breakdown_topic, breakdown);
