-- The backlog at each month end: requests agreed for assessment, more than 20 weeks (140 days) old,
-- without a final plan by then. An assessment that ended without a plan is taken as closed 16 weeks
-- after its request (the statutory point for saying a plan will not be issued). By LSOA and month
-- (authority_code: the upper tier of a request whose home could not be placed, which has no LSOA).
-- Each request is open from 20 weeks after it until its plan (or its close): only the month ends in between
-- are generated for it, within the years asked for.
WITH open AS (
    SELECT c.lsoa_code, CASE WHEN c.lsoa_code IS NULL THEN c.utla_code END AS authority_code,
           c.request_date + 140 AS past_20_weeks,
           coalesce(c.issue_date, CASE WHEN c.assessment_outcome = 'no_plan' THEN c.request_date + 112 END,
                    'infinity'::date) AS closed
    FROM {run}."core__ehcp_cases" c
    WHERE c.decision = 'assess' AND c.transfer IS NULL
)
SELECT to_char(m.month_end, 'YYYY-MM') AS period, o.lsoa_code, o.authority_code, count(*) AS open_past_20_weeks
FROM open o
CROSS JOIN LATERAL (
    SELECT (d + interval '1 month - 1 day')::date AS month_end
    FROM generate_series(greatest(date_trunc('month', o.past_20_weeks), make_date(CAST(:first_year AS int), 1, 1)),
                         least(date_trunc('month', o.closed),
                               make_date(CAST(:last_year AS int), 12, 1)),
                         interval '1 month') AS d
) m
WHERE o.past_20_weeks < m.month_end AND o.closed > m.month_end
GROUP BY 1, 2, 3;
