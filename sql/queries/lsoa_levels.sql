-- Each LSOA with the areas it belongs to at every level the indicators are published for.
SELECT k.lsoa_code, k.msoa_code, k.lad_code, k.utla_code, k.region_code
FROM {run}."core__lsoa_lookup" k;
