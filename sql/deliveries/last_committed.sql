-- The delivery of one source (:source) that the last committed refresh was built from, i.e. the file behind
-- what is published now: its id, path, raw table and rows loaded. No row if that refresh had no such source.
SELECT f.file_id, f.path, f.raw_table, f.rows_loaded
FROM meta.files f
JOIN meta.run_files r ON r.file_id = f.file_id
WHERE f.source_name = :source
  AND r.run_id = (SELECT max(run_id) FROM meta.runs WHERE status = 'succeeded')
ORDER BY f.file_id DESC
LIMIT 1;
