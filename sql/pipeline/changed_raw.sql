-- The raw tables whose files differ between this run and the last build (:file_ids, the files it used): a
-- file one of them used and the other did not (a new delivery, or a source's file no longer read).
WITH now AS (SELECT file_id FROM {run}.used_files),
earlier AS (SELECT unnest(CAST(:file_ids AS bigint[])) AS file_id),
differ AS (
    (SELECT file_id FROM now EXCEPT SELECT file_id FROM earlier)
    UNION
    (SELECT file_id FROM earlier EXCEPT SELECT file_id FROM now)
)
SELECT DISTINCT f.raw_table
FROM (SELECT file_id, raw_table FROM meta.files UNION ALL SELECT file_id, raw_table FROM {run}.files) f
WHERE f.file_id IN (SELECT file_id FROM differ)
ORDER BY f.raw_table;
