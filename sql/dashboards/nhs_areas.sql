-- The sub-ICB locations and ICBs (latest vintage of each) with published figures of any of :ids (indicators
-- counted from the area's own children): the NHS areas a health page offers beside the authority and its
-- districts, the NHS areas its children live in.
SELECT DISTINCT ON (a.area_code) a.area_level, a.area_code, a.area_name
FROM published.areas a
WHERE a.area_level IN ('sicbl', 'icb')
  AND EXISTS (SELECT 1 FROM published.indicator_values v
              WHERE v.indicator_id = ANY(CAST(:ids AS text[])) AND v.area_level = a.area_level
                AND v.area_code = a.area_code)
ORDER BY a.area_code, a.vintage DESC;
