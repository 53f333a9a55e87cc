-- Published figures (published.indicator_values) of indicator :indicator, each filter left out when null:
-- level :level, area :area, period :period, breakdown :breakdown. Suppressed rows as published: no
-- numerator or value, symbol 'c'. Ordered along the primary key, paged by :limit and :offset.
SELECT indicator_id, period, area_level, area_code, area_name, breakdown, numerator, denominator, value,
       lower_ci95, upper_ci95, lower_ci998, upper_ci998, comparator, comparison, trend, symbol
FROM published.indicator_values
WHERE indicator_id = :indicator
  AND (CAST(:level AS text) IS NULL OR area_level = :level)
  AND (CAST(:area AS text) IS NULL OR area_code = :area)
  AND (CAST(:period AS text) IS NULL OR period = :period)
  AND (CAST(:breakdown AS text) IS NULL OR breakdown = :breakdown)
ORDER BY period, area_level, area_code, breakdown
LIMIT :limit OFFSET :offset;
