-- The latest refreshes (:n), newest first: when each started and finished, its status and reason, its files.
SELECT * FROM published.runs ORDER BY run_id DESC LIMIT :n;
