-- Schools (all phases) with their points (lon, lat), in districts :codes when not null.
SELECT urn, name, type, phase, is_special, capacity, lad_code, ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM published.schools
WHERE CAST(:codes AS text[]) IS NULL OR lad_code = ANY(CAST(:codes AS text[]))
ORDER BY urn;
