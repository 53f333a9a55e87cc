-- What one landed file (:file_id) covers: its distinct periods and areas. {rows} is the table holding the
-- file's rows; {period} and {area} are its raw table's expressions for them (jsna.warehouse.deliveries).
SELECT DISTINCT 'period' AS dimension, ({period})::text AS value
FROM {rows} WHERE file_id = :file_id AND ({period}) IS NOT NULL
UNION
SELECT DISTINCT 'area', ({area})::text
FROM {rows} WHERE file_id = :file_id AND ({area}) IS NOT NULL;
