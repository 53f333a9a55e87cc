-- Each area in the one above it: LSOA -> MSOA -> district -> county (from the current LSOA lookup), and
-- district -> upper tier -> region for every authority the authority lookups name (unitary, metropolitan
-- and London authorities are their own upper tier), and sub-ICB location -> ICB. One parent per child and level.
WITH lk AS (
    SELECT DISTINCT ON (child_code, parent_level) child_code, parent_level, parent_code
    FROM {run}."raw__lookup"
    WHERE child_level = 'lad' AND parent_level IN ('utla', 'region')
    ORDER BY child_code, parent_level, file_id DESC
),
lad AS (
    SELECT child_code AS lad_code,
           coalesce(max(parent_code) FILTER (WHERE parent_level = 'utla'),
                    CASE WHEN child_code ~ '^.0[689]' THEN child_code END) AS utla_code,
           max(parent_code) FILTER (WHERE parent_level = 'region') AS region_code
    FROM lk GROUP BY child_code
),
current AS (  -- LSOAs of the newest vintage: codes recur across vintages with other parents
    SELECT * FROM {run}."core__lsoa_lookup"
    WHERE vintage = (SELECT max(vintage) FROM {run}."core__lsoa_lookup")
),
pairs AS (
    SELECT 'lsoa' AS child_level, lsoa_code AS child_code, 'msoa' AS parent_level, msoa_code AS parent_code
    FROM current
    UNION ALL SELECT 'msoa', msoa_code, 'lad', lad_code FROM current
    UNION ALL SELECT 'lad', lad_code, 'utla', utla_code FROM current
    UNION ALL SELECT 'utla', utla_code, 'region', region_code FROM current
    UNION ALL SELECT 'sicbl', sicbl_code, 'icb', icb_code FROM current
    UNION ALL SELECT 'lad', lad_code, 'utla', utla_code FROM lad
    UNION ALL SELECT 'utla', utla_code, 'region', region_code FROM lad
)
SELECT DISTINCT ON (child_level, child_code, parent_level) child_level, child_code, parent_level, parent_code
FROM pairs
WHERE child_code IS NOT NULL AND parent_code IS NOT NULL
ORDER BY child_level, child_code, parent_level, parent_code;
