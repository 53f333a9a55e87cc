-- 0014_rules (down): drop what 0014_rules added.
DROP TABLE IF EXISTS published.source_rules, meta.validation;
