-- 0005_health_geography (down): drop what 0005 added.
ALTER TABLE core.deprivation DROP COLUMN IF EXISTS carried_from;
DROP TABLE IF EXISTS core.lsoa_bestfit;
ALTER TABLE core.lsoa_lookup DROP COLUMN IF EXISTS ccg_code, DROP COLUMN IF EXISTS sicbl_code,
    DROP COLUMN IF EXISTS icb_code, DROP COLUMN IF EXISTS stp_code;
