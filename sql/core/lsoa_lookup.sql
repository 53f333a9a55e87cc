-- core.lsoa_lookup: each LSOA's MSOA, district, upper-tier authority and region, from the ONS
-- lookups. Parents missing from the LSOA lookup itself are reached through the district's own
-- lookups (LTLA -> UTLA, LAD -> region), never through codes written here. Where files disagree,
-- the later delivery wins.
WITH lsoa AS (
    SELECT child_code AS lsoa_code, max(vintage) AS vintage,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'msoa'))[1]   AS msoa_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'lad'))[1]    AS lad_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'utla'))[1]   AS utla_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'region'))[1] AS region_code
    FROM {run}."raw__lookup"
    WHERE child_level = 'lsoa'
    GROUP BY child_code
),
lad AS (
    SELECT child_code AS lad_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'utla'))[1]   AS utla_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'region'))[1] AS region_code
    FROM {run}."raw__lookup"
    WHERE child_level = 'lad'
    GROUP BY child_code
)
INSERT INTO {run}."core__lsoa_lookup" (lsoa_code, vintage, msoa_code, lad_code, utla_code, region_code)
SELECT l.lsoa_code, l.vintage, l.msoa_code, l.lad_code,
       coalesce(l.utla_code, d.utla_code,
                CASE WHEN l.lad_code ~ '^.0[689]' THEN l.lad_code END),  -- unitary, metropolitan, London: own upper tier
       coalesce(l.region_code, d.region_code)
FROM lsoa l
LEFT JOIN lad d ON d.lad_code = l.lad_code;
