-- Indicator :i's published values (breakdown 'all') at level :l in period :p, as a map colours them
-- (suppressed rows as published: no value, symbol 'c').
SELECT area_code, value, symbol FROM published.indicator_values
WHERE indicator_id = :i AND area_level = :l AND period = :p AND breakdown = 'all';
