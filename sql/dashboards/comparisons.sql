-- Every published comparison (England, region, parent, neighbours, target) of area :a at level :l for
-- indicators :ids in periods :ps, breakdown 'all'.
SELECT * FROM published.comparisons
WHERE indicator_id = ANY(CAST(:ids AS text[])) AND period = ANY(CAST(:ps AS text[])) AND area_level = :l
  AND area_code = :a AND breakdown = 'all'
ORDER BY indicator_id, period, comparator_type;
