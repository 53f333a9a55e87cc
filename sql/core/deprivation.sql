-- core.deprivation: IMD rank and decile per LSOA (latest delivery per LSOA and vintage). IMD 2019 is
-- published for LSOA 2011; each LSOA 2021 without its own figure takes that of the LSOA 2011 that
-- best fits it (core.lsoa_bestfit), recorded in carried_from.
WITH own AS (
    SELECT DISTINCT ON (lsoa_code, vintage) lsoa_code, vintage, imd_rank, imd_decile
    FROM {run}."raw__imd"
    ORDER BY lsoa_code, vintage, file_id DESC
)
INSERT INTO {run}."core__deprivation" (lsoa_code, vintage, imd_rank, imd_decile, carried_from)
SELECT lsoa_code, vintage, imd_rank, imd_decile, NULL FROM own
UNION ALL
SELECT b.lsoa21_code, 2021, o.imd_rank, o.imd_decile, b.lsoa11_code
FROM {run}."core__lsoa_bestfit" b
JOIN own o ON o.lsoa_code = b.lsoa11_code AND o.vintage = 2011
WHERE NOT EXISTS (SELECT 1 FROM own x WHERE x.lsoa_code = b.lsoa21_code AND x.vintage = 2021);
