-- New EHC plans by calendar year of final issue and LSOA: all issued, and issued within 20 weeks of
-- the request, with and without exceptions. Transfers from statements and LDAs are not new plans
-- and are left out, as in DfE's SEN2 timeliness measure. authority_code: the upper tier of a plan whose
-- home could not be placed (no LSOA).
SELECT extract(year FROM issue_date)::int AS year, lsoa_code,
       CASE WHEN lsoa_code IS NULL THEN utla_code END AS authority_code,
       count(*) AS issued,
       count(*) FILTER (WHERE within_20_weeks) AS within_20,
       count(*) FILTER (WHERE NOT exception) AS issued_ex,
       count(*) FILTER (WHERE within_20_weeks AND NOT exception) AS within_20_ex
FROM {run}."core__ehcp_cases"
WHERE issue_date IS NOT NULL AND transfer IS NULL AND assessment_outcome = 'plan'
GROUP BY 1, 2, 3;
