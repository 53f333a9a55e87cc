-- Requests for an EHC needs assessment by calendar year of request and LSOA, with their decisions
-- and assessment outcomes (transfers from statements and LDAs are not requests and are left out).
SELECT extract(year FROM request_date)::int AS year, lsoa_code,
       count(*) AS requests,
       count(*) FILTER (WHERE decision = 'assess') AS assess,
       count(*) FILTER (WHERE decision = 'not_assess') AS not_assess,
       count(*) FILTER (WHERE assessment_outcome = 'plan') AS plan,
       count(*) FILTER (WHERE assessment_outcome = 'no_plan') AS no_plan
FROM {run}."core__ehcp_cases"
WHERE transfer IS NULL
GROUP BY 1, 2;
