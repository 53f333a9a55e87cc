-- Where services are delivered (care hubs, clinics, team bases): sites open today with their points
-- (lon, lat), in districts :codes when not null.
SELECT name, service, provider, opened, lad_code, located_by, ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM published.service_sites
WHERE (closed IS NULL OR closed > current_date)
  AND (CAST(:codes AS text[]) IS NULL OR lad_code = ANY(CAST(:codes AS text[])))
ORDER BY service, name;
