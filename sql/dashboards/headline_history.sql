-- The headline figures of the last two builds (published.headline_history), to show what changed.
SELECT * FROM published.headline_history
WHERE run_id IN (SELECT DISTINCT run_id FROM published.headline_history ORDER BY run_id DESC LIMIT 2)
ORDER BY run_id, indicator_id, breakdown;
