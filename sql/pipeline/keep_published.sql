-- End a run that found nothing to rebuild (:run_id): record the files it used and mark it succeeded as
-- 'unchanged' (jsna.warehouse.runs then records it for readers and drops its schema). Published, core and raw
-- stay exactly as they are.
INSERT INTO meta.run_files SELECT :run_id, file_id FROM {run}.used_files;
UPDATE meta.runs SET status = 'succeeded', finished_at = now(), message = 'unchanged' WHERE run_id = :run_id;
