-- Residents aged 0-25 by LSOA and year (mid-year estimates apportioned to LSOAs).
-- Summed in a fixed order: float sums in the order rows happen to lie differ in their last bits between
-- builds, and the NHS figures shared out by these weights with them.
SELECT year, lsoa_code, sum(population ORDER BY sex, age) AS population
FROM {run}."core__population"
WHERE age BETWEEN 0 AND 25
GROUP BY 1, 2;
