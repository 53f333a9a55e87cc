-- 0006_analyst (down): drop the unsuppressed values (the role is kept).
DROP TABLE IF EXISTS core.indicator_values;
DROP INDEX IF EXISTS published.indicator_values_level_idx, published.indicator_values_area_idx,
    published.comparisons_area_idx;
