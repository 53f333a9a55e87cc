-- published.schools: school points for maps (public information from Get Information About Schools).
INSERT INTO {run}."published__schools" (urn, name, type, phase, is_special, capacity, lad_code, geom)
SELECT urn, name, type, phase, is_special, capacity, lad_code, ST_Transform(geom, 4326)
FROM {run}."core__schools";
