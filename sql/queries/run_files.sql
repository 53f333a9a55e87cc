-- The files run :run_id built from, with the rows each had in, loaded and quarantined, and the notes of a
-- release read as a folder or zip (its files read and those not read): the refresh's data-quality table.
SELECT source_name, kind, path, rows_in, rows_loaded, rows_quarantined, coalesce(array_to_string(notes, '; '), '') AS notes
FROM meta.files
WHERE file_id IN (SELECT file_id FROM meta.run_files WHERE run_id = :run_id)
ORDER BY source_name;
