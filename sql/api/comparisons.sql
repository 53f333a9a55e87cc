-- Published comparisons (published.comparisons: against England, region, parent, neighbours, target) of
-- indicator :indicator, each filter left out when null: level :level, area :area, period :period,
-- breakdown :breakdown, comparator type :comparator.
SELECT indicator_id, period, area_level, area_code, breakdown, comparator_type, comparator_code,
       comparator_value, comparison
FROM published.comparisons
WHERE indicator_id = :indicator
  AND (CAST(:level AS text) IS NULL OR area_level = :level)
  AND (CAST(:area AS text) IS NULL OR area_code = :area)
  AND (CAST(:period AS text) IS NULL OR period = :period)
  AND (CAST(:breakdown AS text) IS NULL OR breakdown = :breakdown)
  AND (CAST(:comparator AS text) IS NULL OR comparator_type = :comparator)
ORDER BY period, area_level, area_code, breakdown, comparator_type
LIMIT :limit OFFSET :offset;
