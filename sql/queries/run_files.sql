-- The files run :run_id built from, with the rows each had in, loaded and quarantined: the refresh's
-- data-quality table.
SELECT source_name, kind, path, rows_in, rows_loaded, rows_quarantined
FROM meta.files
WHERE file_id IN (SELECT file_id FROM meta.run_files WHERE run_id = :run_id)
ORDER BY source_name;
