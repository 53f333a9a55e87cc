-- The files of the refreshes :ids: publisher, period, fingerprint, row accounting and top quarantine rules.
SELECT * FROM published.run_files WHERE run_id = ANY(:ids) ORDER BY run_id DESC, source_name;
