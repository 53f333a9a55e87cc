-- The files run :run_id used (landed now or before), recorded as it commits.
INSERT INTO meta.run_files SELECT :run_id, file_id FROM {run}.used_files;
