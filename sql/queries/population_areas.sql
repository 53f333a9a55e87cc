-- Residents by authority, region and England, mid-year and single year of age 0-25, from the ONS
-- mid-year estimates as published (the later delivery wins).
SELECT DISTINCT ON (area_code, year, sex, age) area_code, year, sex, age, population
FROM {run}."raw__population_mye"
WHERE age BETWEEN 0 AND 25
ORDER BY area_code, year, sex, age, file_id DESC;
