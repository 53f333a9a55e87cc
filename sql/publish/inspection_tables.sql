-- Which published tables the inspection evidence pack's requested-information list names hold rows for
-- upper-tier area :a or its districts (the fixed set jsna.publish.inspection_framework.TABLES; the catalogue
-- and the sources are the whole warehouse's).
WITH here AS (
    SELECT CAST(:a AS text) AS area_code
    UNION SELECT area_code FROM published.areas WHERE area_level = 'lad' AND parent_code = :a
)
SELECT 'indicators' AS table_name, EXISTS (SELECT 1 FROM published.indicators) AS held
UNION ALL
SELECT 'indicator_values', EXISTS (SELECT 1 FROM published.indicator_values WHERE area_code = :a)
UNION ALL
SELECT 'sources', EXISTS (SELECT 1 FROM published.sources)
UNION ALL
SELECT 'school_places', EXISTS (SELECT 1 FROM published.school_places WHERE lad_code IN (SELECT area_code FROM here))
UNION ALL
SELECT 'sufficiency', EXISTS (SELECT 1 FROM published.sufficiency WHERE area_code IN (SELECT area_code FROM here))
UNION ALL
SELECT 'forecasts', EXISTS (SELECT 1 FROM published.forecasts WHERE area_code IN (SELECT area_code FROM here));
