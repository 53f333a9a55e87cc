-- Residents aged 0-25 by LSOA and year (mid-year estimates apportioned to LSOAs).
SELECT year, lsoa_code, sum(population) AS population
FROM {run}."core__population"
WHERE age BETWEEN 0 AND 25
GROUP BY 1, 2;
