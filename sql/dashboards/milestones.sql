-- Statutory milestones (published.milestones) of area :code: the authority, its districts, the unplaced, its teams
-- and trusts, every horizon (suppressed counts null with their symbol), with the districts' names.
SELECT m.milestone, m.as_at, m.area_level, m.area_code, m.team, m.horizon, m.week_start, m.children, m.symbol,
       coalesce(a.area_name, m.area_code) AS area_name
FROM published.milestones m
LEFT JOIN LATERAL (SELECT area_name FROM published.areas WHERE area_code = m.area_code
                   ORDER BY vintage DESC LIMIT 1) a ON true
WHERE m.area_code = :code OR m.area_level IN ('lad', 'trust')
ORDER BY m.milestone, m.area_level, m.area_code, m.team, m.horizon;
