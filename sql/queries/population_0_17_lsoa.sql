-- Residents aged 0-17 by LSOA and mid-year (the mid-year estimates apportioned to LSOAs: core.population).
SELECT year, lsoa_code, sum(population) AS population
FROM {run}."core__population"
WHERE age BETWEEN 0 AND 17
GROUP BY 1, 2;
