-- core.service_sites: where services are delivered (care hubs, clinics, team bases) as points with their LSOA
-- and district; a site delivered with only a postcode stands at its small area's centre. The latest
-- delivery of each site and service wins.
INSERT INTO {run}."core__service_sites" (name, service, provider, opened, closed, located_by, lsoa_code, lad_code,
                                         geom, file_id, line)
SELECT DISTINCT ON (s.name, s.service)
       s.name, s.service, s.provider, s.opened, s.closed,
       CASE WHEN s.easting IS NULL THEN 'postcode' ELSE 'coordinates' END,
       s.lsoa_code, k.lad_code,
       coalesce(ST_SetSRID(ST_MakePoint(s.easting, s.northing), 27700), ST_PointOnSurface(a.geom)),
       s.file_id, s.line
FROM {run}."raw__service_sites" s
LEFT JOIN {run}."core__lsoa_lookup" k ON k.lsoa_code = s.lsoa_code AND k.vintage = s.vintage
LEFT JOIN {run}."core__areas" a ON a.area_code = s.lsoa_code AND a.area_level = 'lsoa' AND a.vintage = s.vintage
ORDER BY s.name, s.service, s.file_id DESC;
