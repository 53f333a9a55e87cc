-- Each LSOA of the current vintage (the newest the lookups give) with the areas it belongs to at
-- every level the indicators are published for.
SELECT k.lsoa_code, k.msoa_code, k.lad_code, k.utla_code, k.region_code, k.ccg_code, k.sicbl_code, k.icb_code
FROM {run}."core__lsoa_lookup" k
WHERE k.vintage = (SELECT max(vintage) FROM {run}."core__lsoa_lookup");
