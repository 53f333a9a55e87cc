-- NHS trusts' six-week EHC health advice by trust and quarter of request (from :first_year to
-- :last_year): requests whose outcome is known (returned, or six weeks passed by the extract's date) and
-- those returned within six weeks. utla_code and lsoa_code are the child's upper-tier authority and home
-- LSOA from the EHC case the request belongs to (core.ehcp_cases by the case reference's key, case_key, else
-- by the child's key, child_key, which joins a SEN2 return's where the advice return gives the UPN; the
-- latest request's home): utla_code null where the case is not in the EHC data, lsoa_code null there and
-- where the home could not be placed.
WITH by_case AS (
    SELECT DISTINCT ON (case_key) case_key, utla_code, lsoa_code
    FROM {run}."core__ehcp_cases"
    WHERE case_key IS NOT NULL AND utla_code IS NOT NULL
    ORDER BY case_key, request_date DESC
), by_child AS (
    SELECT DISTINCT ON (child_key) child_key, utla_code, lsoa_code
    FROM {run}."core__ehcp_cases"
    WHERE utla_code IS NOT NULL
    ORDER BY child_key, request_date DESC
)
SELECT a.quarter AS period, a.trust_code, coalesce(c.utla_code, k.utla_code) AS utla_code,
       CASE WHEN c.case_key IS NOT NULL THEN c.lsoa_code ELSE k.lsoa_code END AS lsoa_code,
       count(*) FILTER (WHERE a.within_6_weeks IS NOT NULL) AS known,
       count(*) FILTER (WHERE a.within_6_weeks) AS within_6_weeks
FROM {run}."core__advice_returns" a
LEFT JOIN by_case c ON c.case_key = a.case_key
LEFT JOIN by_child k ON k.child_key = a.child_key
WHERE extract(year FROM a.request_date) BETWEEN CAST(:first_year AS int) AND CAST(:last_year AS int)
GROUP BY 1, 2, 3, 4;
