-- Referrals to the autism (ASC), ADHD and CAMHS pathways of children aged 0-17 at referral, by calendar
-- year of referral, pathway and home LSOA. Only calendar years from :first_year to :last_year that the
-- extract covers to their last day count (the extract's date is the latest date it holds).
WITH as_at AS (
    SELECT greatest(max(referral_date), max(first_contact_date), max(assessment_date), max(discharge_date)) AS as_at
    FROM {run}."core__waiting_list"
)
SELECT extract(year FROM w.referral_date)::int AS year, w.pathway, w.lsoa_code, count(*) AS referrals
FROM {run}."core__waiting_list" w
CROSS JOIN as_at a
WHERE w.age_at_referral <= 17
  AND extract(year FROM w.referral_date) BETWEEN CAST(:first_year AS int) AND CAST(:last_year AS int)
  AND make_date(extract(year FROM w.referral_date)::int, 12, 31) <= a.as_at
GROUP BY 1, 2, 3;
