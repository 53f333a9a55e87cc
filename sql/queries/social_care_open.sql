-- Children open to the disabled children's team on 31 March of each year from :first_year to :last_year,
-- by home LSOA, and how many of them receive short breaks. Open = started on or before 31 March and not
-- ended by it (no end date, or an end date after 31 March). A child with two open episodes counts once,
-- at the home of the later one. Only 31 Marches the extract reaches (its latest start or end date).
WITH as_at AS (
    SELECT greatest(max(start_date), max(end_date)) AS as_at FROM {run}."core__social_care_cases"
),
days AS (
    SELECT y AS year, make_date(y, 3, 31) AS day
    FROM generate_series(CAST(:first_year AS int), CAST(:last_year AS int)) AS y
),
open AS (
    SELECT DISTINCT ON (d.year, c.child_key) d.year, c.lsoa_code, c.short_breaks
    FROM days d
    CROSS JOIN as_at a
    JOIN {run}."core__social_care_cases" c ON c.start_date <= d.day AND (c.end_date IS NULL OR c.end_date > d.day)
    WHERE d.day <= a.as_at
    ORDER BY d.year, c.child_key, c.start_date DESC
)
SELECT year, lsoa_code, count(*) AS open, count(*) FILTER (WHERE short_breaks) AS short_breaks
FROM open
GROUP BY 1, 2;
