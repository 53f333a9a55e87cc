-- Specialist places by school, need and provision, with the school's name, type and point (lon, lat),
-- in districts :codes when not null.
SELECT p.urn, p.lad_code, p.need, p.provision, p.places, s.name, s.type, ST_X(s.geom) AS lon,
       ST_Y(s.geom) AS lat
FROM published.school_places p JOIN published.schools s USING (urn)
WHERE CAST(:codes AS text[]) IS NULL OR p.lad_code = ANY(CAST(:codes AS text[]))
ORDER BY p.urn, p.need, p.provision;
