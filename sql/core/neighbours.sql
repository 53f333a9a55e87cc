-- core.neighbours: each authority's statistical neighbours by GSS code. DfE names authorities by
-- their three-digit numbers; the published statistics give each number's current code. Where
-- several groupings are loaded, the later delivery wins.
WITH codes AS (
    SELECT DISTINCT ON (old_la_code) old_la_code::int AS la_number, area_code
    FROM (SELECT old_la_code, area_code, max(time_period) AS time_period  -- each pair once, before the sort
          FROM {run}."core__statistics"
          WHERE geographic_level = 'Local authority' AND old_la_code ~ '^[0-9]+$' AND area_code <> ''
          GROUP BY old_la_code, area_code) AS pairs
    ORDER BY old_la_code, time_period DESC, area_code
),
latest AS (
    SELECT * FROM {run}."raw__neighbours"
    WHERE file_id = (SELECT max(file_id) FROM {run}."raw__neighbours")
)
INSERT INTO {run}."core__neighbours" (area_code, rank, neighbour_code, closeness)
SELECT a.area_code, n.rank, b.area_code, n.closeness
FROM latest n
JOIN codes a ON a.la_number = n.la_number
JOIN codes b ON b.la_number = n.neighbour_number;
