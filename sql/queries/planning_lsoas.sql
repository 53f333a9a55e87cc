-- LSOAs of the current vintage as points inside them (British National Grid) with their district and
-- upper-tier authority.
SELECT a.area_code AS lsoa_code, k.lad_code, k.utla_code, ST_X(p) AS x, ST_Y(p) AS y
FROM {run}."core__areas" a
JOIN {run}."core__lsoa_lookup" k ON k.lsoa_code = a.area_code AND k.vintage = a.vintage
CROSS JOIN LATERAL ST_PointOnSurface(a.geom) AS p
WHERE a.area_level = 'lsoa' AND a.geom IS NOT NULL;
