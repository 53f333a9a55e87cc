-- The validation rules each loaded file breaks (errors first), with how many of its records break each.
SELECT * FROM published.source_rules ORDER BY source_name, severity, rows DESC, rule;
