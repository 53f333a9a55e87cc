-- The waiting lists at each quarter end (31 March, 30 June, 30 September, 31 December) from :first_year
-- to :last_year, by pathway and home LSOA: children referred on or before the quarter end and neither
-- assessed nor discharged by it, and how many of them had waited more than 13, 18 and 52 weeks (more than
-- 91, 126 and 364 days from referral to the quarter end). Only quarter ends the extract reaches (the
-- extract's date is the latest date it holds). Period '2024-Q3' = 30 September 2024.
-- Each referral yields the quarter ends it spent waiting (a series per referral: linear in the output).
WITH as_at AS (
    SELECT greatest(max(referral_date), max(first_contact_date), max(assessment_date), max(discharge_date)) AS as_at
    FROM {run}."core__waiting_list"
),
spells AS (  -- the last day each referral was still waiting (the day before assessment or discharge)
    SELECT w.pathway, w.lsoa_code, w.referral_date,
           least(w.assessment_date - 1, w.discharge_date - 1, a.as_at, make_date(CAST(:last_year AS int), 12, 31))
               AS last_day
    FROM {run}."core__waiting_list" w
    CROSS JOIN as_at a
),
ends AS (
    SELECT s.pathway, s.lsoa_code, s.referral_date, (q - interval '1 day')::date AS quarter_end
    FROM spells s
    CROSS JOIN LATERAL generate_series(
        greatest(date_trunc('quarter', s.referral_date) + interval '3 months',
                 make_date(CAST(:first_year AS int), 4, 1)),
        s.last_day + 1, interval '3 months') AS q  -- q: the day after each quarter end
)
SELECT extract(year FROM quarter_end)::int || '-Q' || extract(quarter FROM quarter_end)::int AS period,
       pathway, lsoa_code,
       count(*) AS waiting,
       count(*) FILTER (WHERE quarter_end - referral_date > 91) AS over_13,
       count(*) FILTER (WHERE quarter_end - referral_date > 126) AS over_18,
       count(*) FILTER (WHERE quarter_end - referral_date > 364) AS over_52
FROM ends
GROUP BY 1, 2, 3;
