-- What one indicator :id is published for: each area level and breakdown with its periods (in order) and
-- row count, so a client knows which figures to ask for.
SELECT area_level, breakdown, array_agg(DISTINCT period ORDER BY period) AS periods, count(*) AS rows
FROM published.indicator_values
WHERE indicator_id = :id
GROUP BY area_level, breakdown
ORDER BY area_level, breakdown;
