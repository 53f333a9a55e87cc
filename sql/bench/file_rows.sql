-- The benchmark's rows in and out of landing files: the rows read from and loaded out of the files :file_ids.
SELECT coalesce(sum(rows_in), 0)::bigint AS rows_in, coalesce(sum(rows_loaded), 0)::bigint AS rows_out
FROM meta.files
WHERE file_id = ANY(:file_ids);
