-- The comparator types (england, target, parent, ...) indicator :i's values at level :l in period :p,
-- breakdown :b, are published compared with, for a printed map coloured by comparison.
SELECT DISTINCT comparator_type FROM published.comparisons
WHERE indicator_id = :i AND area_level = :l AND period = :p AND breakdown = :b
ORDER BY comparator_type;
