-- The first and last period one landed file (:file_id) covers. {rows} is the table holding the file's rows;
-- {period} its raw table's expression for a row's period (jsna.warehouse.deliveries.COVERAGE).
SELECT min(({period})::text) AS first, max(({period})::text) AS last
FROM {rows} WHERE file_id = :file_id AND ({period}) IS NOT NULL;
