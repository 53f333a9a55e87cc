-- Every area's value at level :l (or only areas :codes, when not null) for indicators :ids in periods
-- :ps, breakdown 'all': the range a spine chart draws.
SELECT v.indicator_id, v.period, v.area_code, v.value
FROM published.indicator_values v
WHERE v.indicator_id = ANY(CAST(:ids AS text[])) AND v.period = ANY(CAST(:ps AS text[])) AND v.area_level = :l
  AND v.breakdown = 'all'
  AND (CAST(:codes AS text[]) IS NULL OR v.area_code = ANY(CAST(:codes AS text[])))
ORDER BY 1, 2, 3;
