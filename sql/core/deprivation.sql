-- core.deprivation: IMD rank and decile per LSOA (latest delivery per LSOA and vintage).
INSERT INTO {run}."core__deprivation" (lsoa_code, vintage, imd_rank, imd_decile)
SELECT DISTINCT ON (lsoa_code, vintage) lsoa_code, vintage, imd_rank, imd_decile
FROM {run}."raw__imd"
ORDER BY lsoa_code, vintage, file_id DESC;
