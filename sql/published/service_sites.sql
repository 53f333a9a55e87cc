-- published.service_sites: service sites for maps (public information about services, not about children).
INSERT INTO {run}."published__service_sites" (name, service, provider, opened, closed, located_by, lad_code, geom)
SELECT name, service, provider, opened, closed, located_by, lad_code, ST_Transform(geom, 4326)
FROM {run}."core__service_sites";
