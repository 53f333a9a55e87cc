-- The periods in which the indicator values computed now (:ids, this run's core.indicator_values, unsuppressed)
-- differ from the last build's: a row added, gone or with any column changed. Disclosure control protects each
-- period apart from the others (its sum groups never cross a period), so a partial refresh protects these periods
-- anew and keeps the last build's published rows of the others (keep_periods.sql).
SELECT DISTINCT period FROM (
    (SELECT * FROM {run}."core__indicator_values" WHERE indicator_id = ANY(:ids)
     EXCEPT ALL
     SELECT * FROM core.indicator_values WHERE indicator_id = ANY(:ids))
    UNION ALL
    (SELECT * FROM core.indicator_values WHERE indicator_id = ANY(:ids)
     EXCEPT ALL
     SELECT * FROM {run}."core__indicator_values" WHERE indicator_id = ANY(:ids))
) differ
ORDER BY period;
