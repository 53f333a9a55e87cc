-- EHC needs assessments completed, by calendar year of their outcome (as DfE counts them in
-- assessments.csv) and LSOA (authority_code: the upper tier of a child whose home could not be placed):
-- leading to a plan, or not. The outcome's date is the assessment outcome date; without one, a plan's
-- final issue date, else the request date. Transfers and plans decided before the collection are left out.
SELECT extract(year FROM coalesce(assessment_date,
                                  CASE WHEN assessment_outcome = 'plan' THEN issue_date END,
                                  request_date))::int AS year,
       lsoa_code, CASE WHEN lsoa_code IS NULL THEN utla_code END AS authority_code,
       count(*) FILTER (WHERE assessment_outcome = 'plan') AS plan,
       count(*) FILTER (WHERE assessment_outcome = 'no_plan') AS no_plan
FROM {run}."core__ehcp_cases"
WHERE transfer IS NULL AND assessment_outcome IN ('plan', 'no_plan')
GROUP BY 1, 2, 3;
