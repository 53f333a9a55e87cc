-- The backlog at each month end: requests agreed for assessment, more than 20 weeks (140 days) old,
-- without a final plan by then. An assessment that ended without a plan is taken as closed 16 weeks
-- after its request (the statutory point for saying a plan will not be issued). By LSOA and month
-- (authority_code: the upper tier of a request whose home could not be placed, which has no LSOA).
WITH months AS (
    SELECT (date_trunc('month', d) + interval '1 month - 1 day')::date AS month_end
    FROM generate_series(make_date(CAST(:first_year AS int), 1, 1), make_date(CAST(:last_year AS int), 12, 1),
                         interval '1 month') AS d
)
SELECT to_char(m.month_end, 'YYYY-MM') AS period, c.lsoa_code,
       CASE WHEN c.lsoa_code IS NULL THEN c.utla_code END AS authority_code, count(*) AS open_past_20_weeks
FROM months m
JOIN {run}."core__ehcp_cases" c
  ON c.decision = 'assess' AND c.transfer IS NULL
 AND c.request_date + 140 < m.month_end
 AND coalesce(c.issue_date, CASE WHEN c.assessment_outcome = 'no_plan' THEN c.request_date + 112 END,
              'infinity'::date) > m.month_end
GROUP BY 1, 2, 3;
