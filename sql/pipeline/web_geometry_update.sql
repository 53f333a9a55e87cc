-- The web copies (temporary table `web`) into the run's new core.areas, wherever they are valid.
UPDATE {run}."core__areas" a SET geom_web = w.geom_web
FROM web w
WHERE a.area_level = w.area_level AND a.area_code = w.area_code AND a.vintage = w.vintage
  AND ST_IsValid(w.geom_web);
