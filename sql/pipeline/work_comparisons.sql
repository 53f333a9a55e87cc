-- The comparisons this run computed (its work__comparisons, before disclosure control) in the periods :periods
-- (null: every period), in the order they were computed.
SELECT indicator_id, period, area_level, area_code, breakdown, comparator_type, comparator_code, comparator_value,
       comparison
FROM {run}."work__comparisons"
WHERE CAST(:periods AS text[]) IS NULL OR period = ANY(:periods)
ORDER BY seq;
