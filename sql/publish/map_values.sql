-- Indicator :i's published values (breakdown :b) at level :l in period :p, as a printed map colours them
-- (suppressed rows as published: no value, symbol 'c'), each with its published comparison against
-- comparator type :ct ('england', 'target', ...; none when null or not compared).
SELECT v.area_code, v.value, v.symbol, c.comparison
FROM published.indicator_values v
LEFT JOIN published.comparisons c
       ON c.indicator_id = v.indicator_id AND c.period = v.period AND c.area_level = v.area_level
      AND c.area_code = v.area_code AND c.breakdown = v.breakdown AND c.comparator_type = :ct
WHERE v.indicator_id = :i AND v.area_level = :l AND v.period = :p AND v.breakdown = :b;
