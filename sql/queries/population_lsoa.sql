-- Residents aged 0-25 by LSOA, mid-year and single year of age, with the LSOA's IMD decile and rank
-- (1 = the most deprived LSOA in England).
SELECT p.year, p.lsoa_code, p.age, p.sex, sum(p.population) AS population, max(d.imd_decile) AS imd_decile,
       max(d.imd_rank) AS imd_rank
FROM {run}."core__population" p
LEFT JOIN {run}."core__deprivation" d ON d.lsoa_code = p.lsoa_code
WHERE p.age BETWEEN 0 AND 25
GROUP BY 1, 2, 3, 4;
