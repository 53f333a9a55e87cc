-- The area levels published (published.areas, latest vintage each), with how many areas each has and
-- whether they have boundaries.
SELECT area_level, max(vintage) AS vintage, count(*) AS areas, count(geom) AS with_geometry
FROM published.areas a
WHERE vintage = (SELECT max(b.vintage) FROM published.areas b WHERE b.area_level = a.area_level)
GROUP BY area_level
ORDER BY area_level;
