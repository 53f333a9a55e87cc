-- How run :run_id ended, as readers see it (published.runs): started, finished, status, reason, file counts.
SELECT * FROM published.runs WHERE run_id = :run_id;
