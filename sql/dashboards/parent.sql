-- The parent (level, code, name) of area :a in the published hierarchy.
SELECT h.parent_level, h.parent_code, coalesce(a.area_name, h.parent_code) AS parent_name
FROM published.area_hierarchy h LEFT JOIN published.areas a ON a.area_code = h.parent_code
WHERE h.child_code = :a LIMIT 1;
