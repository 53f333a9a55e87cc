-- Runs still marked running while the refresh lock is held: their process stopped before they finished.
SELECT run_id FROM meta.runs WHERE status = 'running' ORDER BY run_id;
