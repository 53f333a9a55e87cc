-- published.areas: the areas the dashboards and maps draw (latest vintage per level), with their
-- web geometry (WGS84, simplified) and, for districts and LSOAs, the area they sit in.
INSERT INTO {run}."published__areas" (area_code, area_name, area_level, vintage, parent_code, geom)
SELECT a.area_code, a.area_name, a.area_level, a.vintage,
       CASE a.area_level
           WHEN 'lad'  THEN (SELECT max(k.utla_code) FROM {run}."core__lsoa_lookup" k WHERE k.lad_code = a.area_code)
           WHEN 'lsoa' THEN (SELECT k.lad_code FROM {run}."core__lsoa_lookup" k WHERE k.lsoa_code = a.area_code
                             AND k.vintage = a.vintage)
           WHEN 'msoa' THEN (SELECT max(k.lad_code) FROM {run}."core__lsoa_lookup" k WHERE k.msoa_code = a.area_code)
       END,
       a.geom_web
FROM {run}."core__areas" a
WHERE a.vintage = (SELECT max(b.vintage) FROM {run}."core__areas" b WHERE b.area_level = a.area_level);
