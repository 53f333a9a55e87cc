-- The breakdowns indicator :i is published with at level :l in period :p, read from its first 20,000
-- rows there (every area carries the same breakdowns, suppressed or not).
SELECT DISTINCT breakdown
FROM (SELECT breakdown FROM published.indicator_values
      WHERE indicator_id = :i AND period = :p AND area_level = :l LIMIT 20000) s;
