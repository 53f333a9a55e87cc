-- core.advice_returns: each request to an NHS trust for EHC health advice, whether the advice came
-- back within six weeks (42 days: SEND Regulations 2014, reg. 8), and the quarter of the request.
-- The outcome is known once the request's six weeks have passed by the extract's own date (its latest
-- request): returned by day 42 (true), or not (false). Before then it is pending (null) even when the
-- advice is already back, so a recent quarter is not flattered by its quick returns while its slow ones
-- are still out. The result never depends on the day the refresh runs.
INSERT INTO {run}."core__advice_returns"
    (trust_code, trust_name, case_key, child_key, request_date, due_date, returned_date, within_6_weeks, quarter,
     file_id, line)
SELECT DISTINCT ON (trust_code, case_key, request_date)
       trust_code, trust_name, case_key, child_key, request_date, due_date, returned_date,
       CASE WHEN as_at > request_date + 42 THEN coalesce(returned_date <= request_date + 42, false) END,
       date_part('year', request_date)::int || '-Q' || date_part('quarter', request_date)::int,
       file_id, line
FROM (SELECT r.*, max(r.request_date) OVER (PARTITION BY r.file_id) AS as_at
      FROM {run}."raw__advice_returns" r) a
ORDER BY trust_code, case_key, request_date, file_id DESC;
