-- 0007_planning (down): drop what 0007 added.
DROP TABLE IF EXISTS published.candidate_sites, published.access_summary, published.access, published.sufficiency,
    published.forecasts, core.school_places, raw.school_places CASCADE;
ALTER TABLE core.schools DROP COLUMN IF EXISTS resourced_capacity, DROP COLUMN IF EXISTS sen_unit_capacity;
ALTER TABLE raw.schools DROP COLUMN IF EXISTS resourced_capacity, DROP COLUMN IF EXISTS sen_unit_capacity;
