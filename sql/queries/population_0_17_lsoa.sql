-- Residents aged 0-17 by LSOA and mid-year (the mid-year estimates apportioned to LSOAs: core.population).
-- Summed in a fixed order: float sums in the order rows happen to lie differ in their last bits between
-- builds, and the NHS figures shared out by these weights with them.
SELECT year, lsoa_code, sum(population ORDER BY sex, age) AS population
FROM {run}."core__population"
WHERE age BETWEEN 0 AND 17
GROUP BY 1, 2;
