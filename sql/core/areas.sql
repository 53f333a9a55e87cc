-- core.areas: every area of every level and vintage the run's boundary files hold, in British
-- National Grid, with a simplified copy in WGS84 for the web; plus areas named only in lookups
-- (no geometry; an area's NHS ODS code, parent level 'ods', is a code, not an area). Where two files give the same area, the later delivery wins. The web copy made
-- here (each polygon simplified on its own) is replaced by the pipeline's coverage simplification,
-- which simplifies shared boundaries once; it stays only where that cannot be done.
INSERT INTO {run}."core__areas" (area_code, area_name, area_level, vintage, geom, geom_web, file_id)
SELECT DISTINCT ON (area_level, area_code, vintage)
       area_code, coalesce(area_name, area_code), area_level, vintage, geom,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(
           ST_SimplifyPreserveTopology(geom, CASE area_level WHEN 'lsoa' THEN 10 WHEN 'msoa' THEN 20
                                                         WHEN 'ward' THEN 20 ELSE 40 END), 4326)), 3)),
       file_id
FROM {run}."raw__boundaries"
ORDER BY area_level, area_code, vintage, file_id DESC;

INSERT INTO {run}."core__areas" (area_code, area_name, area_level, vintage, file_id)
SELECT DISTINCT ON (l.parent_level, l.parent_code, l.parent_vintage)
       l.parent_code, coalesce(l.parent_name, l.parent_code), l.parent_level, l.parent_vintage, l.file_id
FROM {run}."raw__lookup" l
WHERE l.parent_level <> 'ods'
  AND NOT EXISTS (SELECT 1 FROM {run}."core__areas" a
                  WHERE a.area_level = l.parent_level AND a.area_code = l.parent_code)
ORDER BY l.parent_level, l.parent_code, l.parent_vintage, l.file_id DESC;
