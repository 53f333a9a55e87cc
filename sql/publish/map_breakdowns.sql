-- The breakdowns indicator :i is published with at level :l in period :p ('all' where it has a total),
-- for a printed map's --breakdown.
SELECT DISTINCT breakdown FROM published.indicator_values
WHERE indicator_id = :i AND area_level = :l AND period = :p
ORDER BY breakdown;
