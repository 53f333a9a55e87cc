-- Names of every area, by level (latest vintage).
SELECT DISTINCT ON (area_level, area_code) area_level, area_code, area_name
FROM {run}."core__areas"
ORDER BY area_level, area_code, vintage DESC;
