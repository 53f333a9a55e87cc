-- Completed assessments on the autism (ASC), ADHD and CAMHS pathways: the wait in days from referral
-- to assessment completed, by calendar year of completion, pathway and home LSOA, one row per distinct
-- wait with the number of referrals that waited it. Only calendar years from :first_year to :last_year
-- that the extract covers to their last day count (the extract's date is the latest date it holds).
WITH as_at AS (
    SELECT greatest(max(referral_date), max(first_contact_date), max(assessment_date), max(discharge_date)) AS as_at
    FROM {run}."core__waiting_list"
)
SELECT extract(year FROM w.assessment_date)::int AS year, w.pathway, w.lsoa_code,
       w.assessment_date - w.referral_date AS wait_days, count(*) AS waits
FROM {run}."core__waiting_list" w
CROSS JOIN as_at a
WHERE w.assessment_date IS NOT NULL
  AND extract(year FROM w.assessment_date) BETWEEN CAST(:first_year AS int) AND CAST(:last_year AS int)
  AND make_date(extract(year FROM w.assessment_date)::int, 12, 31) <= a.as_at
GROUP BY 1, 2, 3, 4;
