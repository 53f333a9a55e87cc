-- The indicator values this run computed (its work__values) in the periods :periods (null: every period), in
-- the order they were computed (seq: disclosure control breaks its ties by the rows' order, so the same rows in
-- the same order are protected the same way as when they were handed over whole).
SELECT indicator_id, period, area_code, area_name, area_level, breakdown, numerator, denominator, value,
       lower_ci95, upper_ci95, lower_ci998, upper_ci998, comparator, comparison, trend, symbol
FROM {run}."work__values"
WHERE CAST(:periods AS text[]) IS NULL OR period = ANY(:periods)
ORDER BY seq;
