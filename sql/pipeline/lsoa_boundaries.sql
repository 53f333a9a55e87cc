-- The run's LSOA boundaries of the newest vintage landed, that placed records (EHC cases, waits,
-- social care) are located in by their points.
SELECT area_code, geom FROM {run}."raw__boundaries"
WHERE area_level = 'lsoa'
  AND vintage = (SELECT max(vintage) FROM {run}."raw__boundaries" WHERE area_level = 'lsoa')
ORDER BY area_code;
