-- Requests for an EHC needs assessment by calendar year of request and LSOA (authority_code: the upper
-- tier of a request whose home could not be placed, which has no LSOA), by their outcome as DfE reports
-- them (requests.csv): decided to assess, not to assess, withdrawn, or no decision yet (outstanding), and
-- the decisions to assess or not made within 6 weeks (42 days) of the request. Transfers from statements
-- and LDAs, and plans decided before the SEN2 collection, are not requests and are left out.
SELECT extract(year FROM request_date)::int AS year, lsoa_code,
       CASE WHEN lsoa_code IS NULL THEN utla_code END AS authority_code,
       count(*) AS requests,
       count(*) FILTER (WHERE decision = 'assess') AS assess,
       count(*) FILTER (WHERE decision = 'not_assess') AS not_assess,
       count(*) FILTER (WHERE decision = 'withdrawn') AS withdrawn,
       count(*) FILTER (WHERE decision IS NULL) AS outstanding,
       count(*) FILTER (WHERE decision IN ('assess', 'not_assess') AND decision_date - request_date <= 42)
           AS decided_6_weeks
FROM {run}."core__ehcp_cases"
WHERE transfer IS NULL
GROUP BY 1, 2, 3;
