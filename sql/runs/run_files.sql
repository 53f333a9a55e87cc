-- The files this run landed itself (run_<id>.files), for its raw views: each file's rows sit in its own table.
SELECT file_id, raw_table FROM {run}.files ORDER BY file_id;
