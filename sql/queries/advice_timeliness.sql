-- NHS trusts' six-week EHC health advice by trust and quarter of request (from :first_year to
-- :last_year): requests whose outcome is known (returned, or six weeks passed by the extract's date) and
-- those returned within six weeks. utla_code is the child's upper-tier authority from the EHC case the
-- request belongs to (core.ehcp_cases by case_key, the latest request's home), null where the case is
-- not in the EHC extract.
WITH home AS (
    SELECT DISTINCT ON (case_key) case_key, utla_code
    FROM {run}."core__ehcp_cases"
    WHERE case_key IS NOT NULL AND utla_code IS NOT NULL
    ORDER BY case_key, request_date DESC
)
SELECT a.quarter AS period, a.trust_code, h.utla_code,
       count(*) FILTER (WHERE a.within_6_weeks IS NOT NULL) AS known,
       count(*) FILTER (WHERE a.within_6_weeks) AS within_6_weeks
FROM {run}."core__advice_returns" a
LEFT JOIN home h ON h.case_key = a.case_key
WHERE extract(year FROM a.request_date) BETWEEN CAST(:first_year AS int) AND CAST(:last_year AS int)
GROUP BY 1, 2, 3;
