-- The indicators this run computed values of (its work__values).
SELECT DISTINCT indicator_id FROM {run}."work__values" ORDER BY 1;
