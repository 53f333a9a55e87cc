-- The keys of the indicator values (:ids) this run publishes suppressed (:symbol), protected now or kept from
-- the last build: their comparisons are not published.
SELECT indicator_id, period, area_level, area_code, breakdown
FROM {run}."published__indicator_values"
WHERE indicator_id = ANY(:ids) AND symbol = :symbol;
