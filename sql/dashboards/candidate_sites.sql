-- Candidate sites (small areas) for a new school for need :n, ranked, with their names and points.
SELECT c.need, c.site, coalesce(n.area_name, c.site) AS site_name, c.rank, c.children_brought_within,
       c.areas_brought_within, c.symbol, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat
FROM published.candidate_sites c
LEFT JOIN LATERAL (SELECT area_name FROM published.areas
                   WHERE area_code = c.site AND area_level = 'lsoa'
                   ORDER BY vintage DESC LIMIT 1) n ON true
WHERE c.need = :n
ORDER BY c.rank;
