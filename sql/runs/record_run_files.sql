-- The files run :run_id used or landed (from its run schema, before the schema is dropped), for readers
-- (published.run_files): publisher (:publishers, a JSON object by kind), period, file name, sha256, whether
-- it was landed now, its row accounting and the three rules that quarantined most of its rows with their row
-- counts, a count under :min_count (the disclosure policy's) left out (a file this run committed to meta.files is read from the run schema, once). Quarantined values and
-- records are never copied. Then the run's count of files and new files.
INSERT INTO published.run_files
    (run_id, source_name, kind, publisher, period, file_name, sha256, new, rows_in, rows_loaded,
     rows_quarantined, reason_1, reason_1_rows, reason_2, reason_2_rows, reason_3, reason_3_rows)
SELECT :run_id, f.source_name, f.kind, coalesce(CAST(:publishers AS jsonb) ->> f.kind, f.kind), f.period,
       regexp_replace(f.path, '^.*/', ''), f.sha256, f.new, f.rows_in, f.rows_loaded, f.rows_quarantined,
       q.rules[1], CASE WHEN q.counts[1] >= :min_count THEN q.counts[1] END,
       q.rules[2], CASE WHEN q.counts[2] >= :min_count THEN q.counts[2] END,
       q.rules[3], CASE WHEN q.counts[3] >= :min_count THEN q.counts[3] END
FROM (SELECT m.*, false AS new FROM meta.files m WHERE m.file_id NOT IN (SELECT file_id FROM {run}.files)
      UNION ALL SELECT r.*, true FROM {run}.files r) f
LEFT JOIN LATERAL (
    SELECT array_agg(t.rule ORDER BY t.n DESC, t.rule) AS rules, array_agg(t.n ORDER BY t.n DESC, t.rule) AS counts
    FROM (SELECT x.rule, count(*) AS n
          FROM (SELECT file_id, rule FROM meta.quarantine WHERE file_id NOT IN (SELECT file_id FROM {run}.files)
                UNION ALL SELECT file_id, rule FROM {run}.quarantine) x
          WHERE x.file_id = f.file_id
          GROUP BY x.rule ORDER BY n DESC, x.rule LIMIT 3) t
) q ON true
WHERE f.file_id IN (SELECT file_id FROM {run}.used_files)
ON CONFLICT (run_id, source_name, sha256) DO NOTHING;

UPDATE published.runs r
SET files = (SELECT count(*) FROM published.run_files f WHERE f.run_id = r.run_id),
    new_files = (SELECT count(*) FROM published.run_files f WHERE f.run_id = r.run_id AND f.new)
WHERE r.run_id = :run_id;
