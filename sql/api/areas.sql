-- Areas (published.areas, latest vintage of each level) of level :level (every level when null), or the one
-- area :code, with every area each lies in (published.area_hierarchy: parent levels and codes as arrays, in
-- level order) and its direct parent's name.
SELECT a.area_code, a.area_name, a.area_level, a.vintage, a.parent_code, p.area_name AS parent_name,
       coalesce(h.parent_levels, '{}') AS parent_levels, coalesce(h.parent_codes, '{}') AS parent_codes
FROM published.areas a
LEFT JOIN LATERAL (SELECT area_name FROM published.areas x WHERE x.area_code = a.parent_code
                   ORDER BY x.vintage DESC LIMIT 1) p ON true
LEFT JOIN LATERAL (SELECT array_agg(parent_level ORDER BY parent_level) AS parent_levels,
                          array_agg(parent_code ORDER BY parent_level) AS parent_codes
                   FROM published.area_hierarchy WHERE child_code = a.area_code AND child_level = a.area_level) h
       ON true
WHERE (CAST(:level AS text) IS NULL OR a.area_level = :level)
  AND (CAST(:code AS text) IS NULL OR a.area_code = :code)
  AND a.vintage = (SELECT max(b.vintage) FROM published.areas b WHERE b.area_level = a.area_level)
ORDER BY a.area_level, a.area_code
LIMIT :limit OFFSET :offset;
