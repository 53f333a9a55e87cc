-- How many indicator values (kind 'values': of the periods :periods, null for every period) and comparisons (kind
-- 'comparisons': of every period) this run computed in each period (its work tables): publish protects them a run
-- of whole periods at a time (jsna.pipeline.period_chunks).
SELECT 'values' AS kind, period, count(*) AS rows FROM {run}."work__values"
WHERE CAST(:periods AS text[]) IS NULL OR period = ANY(:periods) GROUP BY period
UNION ALL
SELECT 'comparisons', period, count(*) FROM {run}."work__comparisons" GROUP BY period
ORDER BY kind, period;
