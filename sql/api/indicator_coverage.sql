-- What one indicator :id is published for: each area level and breakdown with its periods (in order) and
-- row count, so a client knows which figures to ask for (published.indicator_coverage, worked out per build).
SELECT area_level, breakdown, periods, rows
FROM published.indicator_coverage
WHERE indicator_id = :id
ORDER BY area_level, breakdown;
