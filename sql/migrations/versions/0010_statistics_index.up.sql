-- 0010_statistics_index (up): core.statistics is looked up by dataset. Its eight-part primary key cost each
-- refresh about 20 s of the national files' two million rows inserted in hash order (sql/core/statistics.sql);
-- the build's DISTINCT ON on that identity keeps each figure once (tests/integration/test_warehouse.py).
-- A refresh renames the table it swaps in, not its constraints: the key is found by kind, not by name.
DO $$
DECLARE key text;
BEGIN
    SELECT conname INTO key FROM pg_constraint WHERE conrelid = 'core.statistics'::regclass AND contype = 'p';
    IF key IS NOT NULL THEN
        EXECUTE 'ALTER TABLE core.statistics DROP CONSTRAINT ' || quote_ident(key);
    END IF;
END $$;
CREATE INDEX statistics_dataset_idx ON core.statistics (dataset);
