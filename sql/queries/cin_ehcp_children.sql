-- Children with an EHC plan and children in need, linked by child key, for each census year from :first_year
-- to :last_year that a Children in Need census return covers (the year to 31 March). A plan holder: a plan
-- issued on or before 31 March and not ceased before 1 April (in force at some point in the year; `plan_at_census`
-- if one is still in force on 31 March), placed at the home of the latest plan. A child in need: in need at
-- some point in the year, or on 31 March, by that year's return (core.cin_children), placed at the plan's home
-- where the child holds a plan, else at the return's home if it gives one. Unplaced children count in the
-- authority: the upper tier most of the run's LSOAs lie in.
-- Counts of children by year, district, upper tier, the two plan flags, the two need flags and disability.
WITH years AS (
    SELECT DISTINCT census_year AS year FROM {run}."core__cin_children"
    WHERE census_year BETWEEN CAST(:first_year AS int) AND CAST(:last_year AS int)
),
authority AS (
    SELECT utla_code FROM {run}."core__lsoa_lookup"
    WHERE utla_code IS NOT NULL AND vintage = (SELECT max(vintage) FROM {run}."core__lsoa_lookup")
    GROUP BY utla_code ORDER BY count(*) DESC, utla_code LIMIT 1
),
plans AS (
    SELECT y.year, e.child_key,
           (array_agg(e.lad_code ORDER BY e.issue_date DESC, e.request_date DESC))[1] AS lad_code,
           (array_agg(e.utla_code ORDER BY e.issue_date DESC, e.request_date DESC))[1] AS utla_code,
           bool_or(e.ceased_date IS NULL OR e.ceased_date > make_date(y.year, 3, 31)) AS at_census
    FROM years y
    JOIN {run}."core__ehcp_cases" e
      ON e.issue_date <= make_date(y.year, 3, 31)
     AND (e.ceased_date IS NULL OR e.ceased_date >= make_date(y.year - 1, 4, 1))
    GROUP BY y.year, e.child_key
),
in_need AS (
    SELECT c.census_year AS year, c.child_key, c.in_need, c.in_need_at_census, c.disabled, c.lad_code, c.utla_code
    FROM {run}."core__cin_children" c JOIN years y ON y.year = c.census_year
    WHERE c.in_need OR c.in_need_at_census
)
SELECT coalesce(p.year, n.year) AS year,
       CASE WHEN p.child_key IS NOT NULL THEN p.lad_code ELSE n.lad_code END AS lad_code,
       coalesce(CASE WHEN p.child_key IS NOT NULL THEN p.utla_code ELSE n.utla_code END, a.utla_code) AS utla_code,
       p.child_key IS NOT NULL AS plan, coalesce(p.at_census, false) AS plan_at_census,
       coalesce(n.in_need, false) AS in_need, coalesce(n.in_need_at_census, false) AS in_need_at_census,
       coalesce(n.disabled, false) AS disabled, count(*) AS children
FROM plans p
FULL JOIN in_need n ON n.year = p.year AND n.child_key = p.child_key
LEFT JOIN authority a ON true
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
