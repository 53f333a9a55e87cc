-- The upper-tier area with most published rows for indicator :i in period :p (the one with case-level
-- data), when no area is configured.
SELECT area_code, area_name, count(*) AS n FROM published.indicator_values
WHERE indicator_id = :i AND period = :p AND area_level = 'utla'
GROUP BY 1, 2 ORDER BY n DESC, area_code LIMIT 1;
