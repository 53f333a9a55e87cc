-- published.area_hierarchy: each area's parent at the next level up (LSOA -> MSOA -> district ->
-- county -> region), and each LSOA's district, from the LSOA lookup.
INSERT INTO {run}."published__area_hierarchy" (child_level, child_code, parent_level, parent_code)
SELECT DISTINCT child_level, child_code, parent_level, parent_code
FROM (
    SELECT 'lsoa' AS child_level, lsoa_code AS child_code, 'msoa' AS parent_level, msoa_code AS parent_code
    FROM {run}."core__lsoa_lookup"
    UNION ALL SELECT 'lsoa', lsoa_code, 'lad', lad_code FROM {run}."core__lsoa_lookup"
    UNION ALL SELECT 'msoa', msoa_code, 'lad', lad_code FROM {run}."core__lsoa_lookup"
    UNION ALL SELECT 'lad', lad_code, 'utla', utla_code FROM {run}."core__lsoa_lookup"
    UNION ALL SELECT 'utla', utla_code, 'region', region_code FROM {run}."core__lsoa_lookup"
) pairs
WHERE child_code IS NOT NULL AND parent_code IS NOT NULL;
