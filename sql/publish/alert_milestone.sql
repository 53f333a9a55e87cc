-- An alert rule's milestone reading: the published count of children whose step :milestone is in :horizon
-- (overdue, next_14_days, next_28_days) in area :area (the authority or a district, all teams), as at the
-- milestones' reference date (null where disclosure control withheld it), and the area's name.
SELECT m.as_at::text AS period, m.children AS value, coalesce(a.area_name, m.area_code) AS area_name
FROM published.milestones m
LEFT JOIN LATERAL (SELECT area_name FROM published.areas WHERE area_code = m.area_code
                   ORDER BY vintage DESC LIMIT 1) a ON true
WHERE m.milestone = :milestone AND m.area_code = :area AND m.horizon = :horizon
  AND m.area_level IN ('utla', 'lad') AND m.team IS NULL
LIMIT 1;
