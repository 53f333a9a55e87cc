-- core.population: residents by LSOA, year, sex and single year of age 0-25.
-- Method (documented in jsna/geography/population.py): each district's mid-year estimate for a
-- year, sex and age is shared among its LSOAs in proportion to their Census 2021 usual residents
-- in the census age band holding that age. LSOA figures therefore sum exactly to the district's.
-- Where several estimate files give the same district, year, sex and age, the later file wins.
WITH mye AS (
    SELECT DISTINCT ON (area_code, year, sex, age) area_code, year, sex, age, population
    FROM {run}."raw__population_mye"
    WHERE age <= 25
    ORDER BY area_code, year, sex, age, file_id DESC
),
census AS (
    SELECT DISTINCT ON (c.lsoa_code, c.age_from) c.lsoa_code, c.vintage, c.age_from, c.age_to, c.population
    FROM {run}."raw__population_census" c
    ORDER BY c.lsoa_code, c.age_from, c.file_id DESC
),
share AS (
    SELECT c.lsoa_code, c.vintage, k.lad_code, c.age_from, c.age_to,
           c.population / nullif(sum(c.population) OVER (PARTITION BY k.lad_code, c.age_from), 0) AS share
    FROM census c
    JOIN {run}."core__lsoa_lookup" k ON k.lsoa_code = c.lsoa_code AND k.vintage = c.vintage
)
INSERT INTO {run}."core__population" (lsoa_code, vintage, year, sex, age, population)
SELECT s.lsoa_code, s.vintage, m.year, m.sex, m.age, m.population * coalesce(s.share, 0)
FROM mye m
JOIN share s ON s.lad_code = m.area_code AND m.age BETWEEN s.age_from AND s.age_to;
