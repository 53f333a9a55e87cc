-- The files of run :run_id as readers see them (published.run_files), by source.
SELECT * FROM published.run_files WHERE run_id = :run_id ORDER BY source_name;
