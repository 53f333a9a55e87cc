-- The areas of level :l (latest vintage of each) a printed map draws: those inside area :w (down the
-- published hierarchy) or, when :w is null, every area of the level; with their boundaries.
WITH RECURSIVE down(code) AS (
    SELECT CAST(:w AS text) COLLATE "C"
    UNION
    SELECT h.child_code FROM published.area_hierarchy h JOIN down ON h.parent_code = down.code
)
SELECT DISTINCT ON (a.area_code) a.area_code, a.area_name, a.geom
FROM published.areas a
WHERE a.area_level = :l AND a.geom IS NOT NULL
  AND (CAST(:w AS text) IS NULL OR a.area_code IN (SELECT code FROM down))
ORDER BY a.area_code, a.vintage DESC;
