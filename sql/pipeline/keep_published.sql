-- End a run that found nothing to rebuild (:run_id): record the files it used, drop its schema and mark it
-- succeeded as 'unchanged'. Published, core and raw stay exactly as they are.
INSERT INTO meta.run_files SELECT :run_id, file_id FROM {run}.used_files;
DROP SCHEMA {run} CASCADE;
UPDATE meta.runs SET status = 'succeeded', finished_at = now(), message = 'unchanged' WHERE run_id = :run_id;
