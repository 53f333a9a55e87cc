-- 0013_defs (down): drop what 0013_defs added (unplaced rows are deleted: lsoa_code is NOT NULL again).
ALTER TABLE core.ehcp_cases DROP COLUMN IF EXISTS assessment_date, DROP COLUMN IF EXISTS ceased_reason,
    DROP COLUMN IF EXISTS transfer_la;
DELETE FROM core.ehcp_cases WHERE lsoa_code IS NULL;
ALTER TABLE core.ehcp_cases ALTER COLUMN lsoa_code SET NOT NULL;
ALTER TABLE raw.ehcp_cases DROP COLUMN IF EXISTS la_code, DROP COLUMN IF EXISTS old_la_code,
    DROP COLUMN IF EXISTS return_year, DROP COLUMN IF EXISTS assessment_date, DROP COLUMN IF EXISTS transfer_la;
DELETE FROM raw.ehcp_cases WHERE lsoa_code IS NULL;
ALTER TABLE raw.ehcp_cases ALTER COLUMN lsoa_code SET NOT NULL;
