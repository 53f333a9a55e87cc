-- Children with an EHC plan and children in need, linked by child key, for each census year from :first_year
-- to :last_year that a Children in Need census return covers (the year to 31 March). A plan holder: a plan
-- issued on or before 31 March and not ceased before 1 April (in force at some point in the year), placed at
-- the home of the latest plan. A child in need: in need at some point in the year by that year's return
-- (core.cin_children), placed at the plan's home where the child holds a plan, else at the return's home if
-- it gives one. Unplaced children count in the authority: the upper tier most of the run's LSOAs lie in.
-- Counts of children by (year, district, upper tier, holds a plan, in need, a disability recorded).
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
    SELECT DISTINCT ON (y.year, e.child_key) y.year, e.child_key, e.lad_code, e.utla_code
    FROM years y
    JOIN {run}."core__ehcp_cases" e
      ON e.issue_date <= make_date(y.year, 3, 31)
     AND (e.ceased_date IS NULL OR e.ceased_date >= make_date(y.year - 1, 4, 1))
    ORDER BY y.year, e.child_key, e.issue_date DESC, e.request_date DESC
),
in_need AS (
    SELECT c.census_year AS year, c.child_key, c.disabled, c.lad_code, c.utla_code
    FROM {run}."core__cin_children" c JOIN years y ON y.year = c.census_year
    WHERE c.in_need
)
SELECT coalesce(p.year, n.year) AS year,
       CASE WHEN p.child_key IS NOT NULL THEN p.lad_code ELSE n.lad_code END AS lad_code,
       coalesce(CASE WHEN p.child_key IS NOT NULL THEN p.utla_code ELSE n.utla_code END, a.utla_code) AS utla_code,
       p.child_key IS NOT NULL AS plan, n.child_key IS NOT NULL AS in_need, coalesce(n.disabled, false) AS disabled,
       count(*) AS children
FROM plans p
FULL JOIN in_need n ON n.year = p.year AND n.child_key = p.child_key
LEFT JOIN authority a ON true
GROUP BY 1, 2, 3, 4, 5, 6;
