-- Every area of the run's new core.areas that has a boundary, to simplify for the web level by level.
SELECT area_level, area_code, vintage, geom FROM {run}."core__areas" WHERE geom IS NOT NULL;
