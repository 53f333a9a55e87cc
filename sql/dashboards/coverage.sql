-- The levels (:ls) and periods (:ps) indicator :i is published for with breakdown 'all': one probe of
-- the primary key for each pair.
SELECT l.area_level, p.period
FROM unnest(CAST(:ps AS text[])) AS p(period)
CROSS JOIN unnest(CAST(:ls AS text[])) AS l(area_level)
WHERE EXISTS (SELECT 1 FROM published.indicator_values v
              WHERE v.indicator_id = :i AND v.period = p.period AND v.area_level = l.area_level
                AND v.breakdown = 'all')
ORDER BY 1, 2;
