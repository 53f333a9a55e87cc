-- Rows loaded from one file (:file_id), landed in this run ({run}.files) or by an earlier one (meta.files).
SELECT rows_loaded FROM {run}.files WHERE file_id = :file_id
UNION ALL
SELECT rows_loaded FROM meta.files WHERE file_id = :file_id;
