-- The benchmark's rows in and out of landing files: the rows read from and loaded out of the files :file_ids
-- (those the run landed, in its own schema's files table until it commits).
SELECT coalesce(sum(rows_in), 0)::bigint AS rows_in, coalesce(sum(rows_loaded), 0)::bigint AS rows_out
FROM {run}.files
WHERE file_id = ANY(:file_ids);
