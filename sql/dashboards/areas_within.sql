-- Areas of level :l (latest vintage of each) inside area :w, of any higher level: down the published
-- hierarchy from :w.
WITH RECURSIVE down(level, code) AS (
    SELECT NULL::text, CAST(:w AS text) COLLATE "C"
    UNION
    SELECT h.child_level, h.child_code FROM published.area_hierarchy h JOIN down ON h.parent_code = down.code
)
SELECT DISTINCT ON (a.area_code) a.area_code, a.area_name, a.parent_code
FROM published.areas a JOIN down ON a.area_code = down.code
WHERE a.area_level = :l
ORDER BY a.area_code, a.vintage DESC;
