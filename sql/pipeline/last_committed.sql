-- The last committed run before this one (:run_id) that built what is published, whether it was built from
-- the same configuration and code (same_build), and the files it used. A run that found nothing changed
-- built nothing ('unchanged'), so it is passed over for the build it kept. No row: nothing committed yet.
SELECT r.run_id,
       r.config_sha256 = me.config_sha256 AND r.jsna_version = me.jsna_version AS same_build,
       ARRAY(SELECT f.file_id FROM meta.run_files f WHERE f.run_id = r.run_id ORDER BY f.file_id) AS file_ids
FROM meta.runs r
JOIN meta.runs me ON me.run_id = :run_id
WHERE r.status = 'succeeded' AND r.run_id < :run_id AND r.message IS DISTINCT FROM 'unchanged'
ORDER BY r.run_id DESC
LIMIT 1;
