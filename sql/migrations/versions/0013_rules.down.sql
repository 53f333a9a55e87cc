-- 0013_rules (down): drop what 0013_rules added.
DROP TABLE IF EXISTS published.source_rules, meta.validation;
