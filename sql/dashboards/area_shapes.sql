-- Areas of level :l (latest vintage of each; only areas :codes when not null) with their boundary as
-- GeoJSON (WGS84, 5 decimals), for the maps.
SELECT DISTINCT ON (area_code) area_code, area_name, ST_AsGeoJSON(geom, 5) AS geometry
FROM published.areas
WHERE area_level = :l AND geom IS NOT NULL
  AND (CAST(:codes AS text[]) IS NULL OR area_code = ANY(CAST(:codes AS text[])))
ORDER BY area_code, vintage DESC;
