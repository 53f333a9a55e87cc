-- The indicator values computed in this run (its work__values, written by each family's computation:
-- jsna.pipeline.compute_families) as the core table of them, unsuppressed (for analysts only).
INSERT INTO {run}."core__indicator_values"
SELECT indicator_id, period, area_code, area_name, area_level, breakdown, numerator, denominator, value,
       lower_ci95, upper_ci95, lower_ci998, upper_ci998, comparator, comparison, trend, symbol
FROM {run}."work__values";
