-- 0004_comparisons (down): drop what 0004 added.
DROP TABLE IF EXISTS published.comparisons, core.neighbours, raw.neighbours CASCADE;
