-- The files run :run_id built from, with the rows each had in, loaded and quarantined, the notes of a
-- release read as a folder or zip (its files read and those not read) and the validation rules a statutory
-- return breaks (severity, reference: records): the refresh's data-quality table.
SELECT f.source_name, f.kind, f.path, f.rows_in, f.rows_loaded, f.rows_quarantined,
       coalesce(array_to_string(f.notes, '; '), '') AS notes,
       coalesce((SELECT string_agg(v.severity || ' ' || v.reference || ': ' || v.rows, '; '
                                   ORDER BY v.severity, v.rule)
                 FROM meta.validation v WHERE v.file_id = f.file_id), '') AS rules
FROM meta.files f
WHERE f.file_id IN (SELECT file_id FROM meta.run_files WHERE run_id = :run_id)
ORDER BY f.source_name;
