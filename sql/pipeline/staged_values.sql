-- The indicator values this run publishes (computed now or kept from the last build), for the headline history.
SELECT indicator_id, period, area_level, area_code, breakdown, value, symbol
FROM {run}."published__indicator_values";
