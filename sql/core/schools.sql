-- core.schools: open schools as points (British National Grid) with their LSOA and district.
INSERT INTO {run}."core__schools"
    (urn, name, type, phase, is_special, capacity, pupils, sen_provision, resourced_capacity, sen_unit_capacity,
     lsoa_code, lad_code, geom, file_id, line)
SELECT DISTINCT ON (s.urn)
       s.urn, s.name, s.type, s.phase, s.is_special, s.capacity, s.pupils, s.sen_provision, s.resourced_capacity,
       s.sen_unit_capacity, s.lsoa_code,
       k.lad_code, ST_SetSRID(ST_MakePoint(s.easting, s.northing), 27700), s.file_id, s.line
FROM {run}."raw__schools" s
LEFT JOIN {run}."core__lsoa_lookup" k ON k.lsoa_code = s.lsoa_code AND k.vintage = s.vintage
ORDER BY s.urn, s.file_id DESC;
