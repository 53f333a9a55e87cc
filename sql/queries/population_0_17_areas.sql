-- Residents aged 0-17 by area (authorities, regions, England: whatever the ONS mid-year estimate files
-- give) and mid-year, as published; where two deliveries give the same area, year, sex and age, the
-- later one wins.
SELECT area_code, year, sum(population) AS population
FROM (
    SELECT DISTINCT ON (area_code, year, sex, age) area_code, year, sex, age, population
    FROM {run}."raw__population_mye"
    WHERE age BETWEEN 0 AND 17
    ORDER BY area_code, year, sex, age, file_id DESC
) p
GROUP BY 1, 2;
