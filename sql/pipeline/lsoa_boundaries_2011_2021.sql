-- The LSOA 2011 and 2021 boundaries of the run's new core.areas, to derive the best fit between them
-- where no ONS lookup was loaded.
SELECT area_code, vintage, geom FROM {run}."core__areas"
WHERE area_level = 'lsoa' AND vintage IN (2011, 2021) AND geom IS NOT NULL;
