-- NHS England's community health services waiting lists for the children's community paediatric service,
-- England's and each ICB's (by ODS code) at each month end: the whole list and those waiting over 18 weeks
-- (the >18-52 and >52 weeks bands) and over 52 weeks, from the monthly workbooks or the derived series.
SELECT time_period AS period, geographic_level, area_code, measure, value
FROM {run}."core__statistics"
WHERE dataset LIKE 'community_health%' AND time_identifier = 'Month'
  AND geographic_level IN ('National', 'ICB') AND lower(breakdown) LIKE '%community paediatric service%'
  AND measure IN ('total waiting list', 'waiting >18-52 weeks', 'waiting >52 weeks') AND value IS NOT NULL
ORDER BY 1, 2, 3, 4, dataset;
