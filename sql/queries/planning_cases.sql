-- EHC plans (issued plans and transfers) with what the transition model needs: the child's key, dates,
-- age at 31 August at the request, need, placement, home LSOA and district (none for a child whose home could
-- not be placed: utla_code is then the authority it counts in).
SELECT child_key, lsoa_code, lad_code, utla_code, request_date, issue_date, ceased_date, age_at_31aug, primary_need, placement
FROM {run}."core__ehcp_cases"
WHERE issue_date IS NOT NULL AND (assessment_outcome = 'plan' OR transfer IS NOT NULL);
