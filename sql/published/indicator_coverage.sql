-- What each indicator is published for in this build: every area level and breakdown with its periods (in order)
-- and row count, from the values staged for publishing (after disclosure control, the kept families' included);
-- the read API's /indicators/{id} reads it (sql/api/indicator_coverage.sql).
INSERT INTO {run}."published__indicator_coverage"
SELECT indicator_id, area_level, breakdown, array_agg(DISTINCT period ORDER BY period), count(*)
FROM {run}."published__indicator_values"
GROUP BY indicator_id, area_level, breakdown;
