-- The published values of the indicators computed now (:ids) in the periods where they equal the last build's
-- (all but :periods, changed_periods.sql), as that build published them: the same rows protected the same way
-- give the same published rows.
INSERT INTO {run}."published__indicator_values"
SELECT * FROM published.indicator_values WHERE indicator_id = ANY(:ids) AND NOT period = ANY(:periods);
