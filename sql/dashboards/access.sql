-- Each small area's straight and road distance to the nearest special school with places for need :n
-- (only small areas :codes when not null), with the area's and the school's names.
SELECT a.lsoa_code AS area_code, coalesce(n.area_name, a.lsoa_code) AS area_name, a.need, a.urn,
       s.name AS school, a.straight_km, a.road_km
FROM published.access a
LEFT JOIN published.schools s USING (urn)
LEFT JOIN LATERAL (SELECT area_name FROM published.areas
                   WHERE area_code = a.lsoa_code AND area_level = 'lsoa'
                   ORDER BY vintage DESC LIMIT 1) n ON true
WHERE a.need = :n AND (CAST(:codes AS text[]) IS NULL OR a.lsoa_code = ANY(CAST(:codes AS text[])))
ORDER BY a.lsoa_code;
