-- published.source_rules: the validation rules each file behind the published figures breaks (DfE's rules
-- of a statutory return), with how many of its records break each; no line numbers and no values.
INSERT INTO {run}."published__source_rules"
    (source_name, kind, file_name, sha256, rule, reference, severity, module, item, message, rows)
SELECT f.source_name, f.kind, regexp_replace(f.path, '^.*/', ''), f.sha256, v.rule, v.reference, v.severity,
       v.module, v.item, v.message, v.rows
FROM (SELECT * FROM meta.validation UNION ALL SELECT * FROM {run}.validation) v
JOIN (SELECT * FROM meta.files UNION ALL SELECT * FROM {run}.files) f ON f.file_id = v.file_id
WHERE f.file_id IN (SELECT file_id FROM {run}.used_files);
