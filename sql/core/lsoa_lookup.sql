-- core.lsoa_lookup: each LSOA's MSOA, district, upper-tier authority and region, and its health
-- geographies (CCG, sub-ICB location, ICB, STP), from the ONS lookups. Parents missing from the LSOA
-- lookup itself are reached through the district's own lookups (LTLA -> UTLA, LAD -> region) and the
-- CCG / sub-ICB lookups (-> ICB, STP), and an LSOA 2021 takes the health geographies of its best-fit
-- LSOA 2011 when only 2011 lookups name them: never through codes written here. Where files
-- disagree, the later delivery wins.
WITH pairs AS (
    SELECT child_level, child_code, vintage, parent_level, parent_code, file_id FROM {run}."raw__lookup"
),
lsoa AS (
    SELECT child_code AS lsoa_code, max(vintage) AS vintage,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'msoa'))[1]   AS msoa_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'lad'))[1]    AS lad_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'utla'))[1]   AS utla_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'region'))[1] AS region_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'ccg'))[1]    AS ccg_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'sicbl'))[1]  AS sicbl_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'icb'))[1]    AS icb_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'stp'))[1]    AS stp_code
    FROM pairs
    WHERE child_level = 'lsoa'
    GROUP BY child_code
),
up AS (  -- authority and health-area parents, by child
    SELECT child_level, child_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'utla'))[1]   AS utla_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'region'))[1] AS region_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'icb'))[1]    AS icb_code,
           (array_agg(parent_code ORDER BY file_id DESC) FILTER (WHERE parent_level = 'stp'))[1]    AS stp_code
    FROM pairs
    WHERE child_level IN ('lad', 'ccg', 'sicbl')
    GROUP BY child_level, child_code
),
direct AS (
    SELECT l.lsoa_code, l.vintage, l.msoa_code, l.lad_code,
           coalesce(l.utla_code, d.utla_code,
                    CASE WHEN l.lad_code ~ '^.0[689]' THEN l.lad_code END) AS utla_code,  -- own upper tier
           coalesce(l.region_code, d.region_code) AS region_code,
           l.ccg_code, l.sicbl_code,
           coalesce(l.icb_code, s.icb_code) AS icb_code,
           coalesce(l.stp_code, c.stp_code) AS stp_code
    FROM lsoa l
    LEFT JOIN up d ON d.child_level = 'lad' AND d.child_code = l.lad_code
    LEFT JOIN up s ON s.child_level = 'sicbl' AND s.child_code = l.sicbl_code
    LEFT JOIN up c ON c.child_level = 'ccg' AND c.child_code = l.ccg_code
)
INSERT INTO {run}."core__lsoa_lookup"
    (lsoa_code, vintage, msoa_code, lad_code, utla_code, region_code, ccg_code, sicbl_code, icb_code, stp_code)
SELECT d.lsoa_code, d.vintage, d.msoa_code, d.lad_code, d.utla_code, d.region_code,
       coalesce(d.ccg_code, o.ccg_code), coalesce(d.sicbl_code, o.sicbl_code),
       coalesce(d.icb_code, o.icb_code), coalesce(d.stp_code, o.stp_code)
FROM direct d
LEFT JOIN {run}."core__lsoa_bestfit" b ON d.vintage >= 2021 AND b.lsoa21_code = d.lsoa_code
LEFT JOIN direct o ON o.lsoa_code = b.lsoa11_code;
