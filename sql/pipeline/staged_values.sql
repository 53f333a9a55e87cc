-- The indicator values this run publishes (computed now or kept from the last build) of the headline indicators
-- (:ids) for the home area (:area), for the headline history (jsna.publish.headline_history.headline_rows).
SELECT indicator_id, period, area_level, area_code, breakdown, value, symbol
FROM {run}."published__indicator_values"
WHERE area_code = :area AND indicator_id = ANY(:ids);
