-- 0006_analyst (up): the unsuppressed indicator values, kept in core for the analyst role (the
-- published schema, which dashboards, exports and downloads read, only ever holds suppressed values);
-- indexes for what the dashboards ask.
CREATE TABLE core.indicator_values (LIKE published.indicator_values INCLUDING ALL);

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jsna_analyst') THEN
        BEGIN
            CREATE ROLE jsna_analyst LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'cannot create role jsna_analyst here; ask the DBA to create it';
        END;
    END IF;
END $$;

-- What the dashboards ask for most: one indicator at one level, and every indicator for one area.
CREATE INDEX indicator_values_level_idx ON published.indicator_values (indicator_id, area_level, breakdown, period);
CREATE INDEX indicator_values_area_idx ON published.indicator_values (area_code, indicator_id, breakdown, period);
CREATE INDEX comparisons_area_idx ON published.comparisons (area_code, indicator_id, breakdown, period);
