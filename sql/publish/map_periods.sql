-- The periods indicator :i is published for at level :l, in order (a map shows one of them).
SELECT DISTINCT period FROM published.indicator_values
WHERE indicator_id = :i AND area_level = :l
ORDER BY period;
