-- The files this run uses (landed now or found landed before), in order.
SELECT file_id FROM {run}.used_files ORDER BY file_id;
