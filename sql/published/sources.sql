-- published.sources: each file behind the published figures, its fingerprint, when it was first
-- landed and its row accounting (rows in = loaded + quarantined).
INSERT INTO {run}."published__sources"
    (source_name, kind, file_name, sha256, loaded_at, rows_in, rows_loaded, rows_quarantined)
SELECT f.source_name, f.kind, regexp_replace(f.path, '^.*/', ''), f.sha256, f.loaded_at,
       f.rows_in, f.rows_loaded, f.rows_quarantined
FROM (SELECT * FROM meta.files UNION ALL SELECT * FROM {run}.files) f
WHERE f.file_id IN (SELECT file_id FROM {run}.used_files);
