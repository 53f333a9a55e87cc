-- EHC plans ceased, by calendar year of ceasing, LSOA (authority_code: the upper tier of a child whose
-- home could not be placed) and the reason, as DfE counts them (ceased_plans.csv: plans ceased in the year).
SELECT extract(year FROM ceased_date)::int AS year, lsoa_code,
       CASE WHEN lsoa_code IS NULL THEN utla_code END AS authority_code,
       ceased_reason, count(*) AS ceased
FROM {run}."core__ehcp_cases"
WHERE ceased_date IS NOT NULL AND (assessment_outcome = 'plan' OR transfer IS NOT NULL)
GROUP BY 1, 2, 3, 4;
