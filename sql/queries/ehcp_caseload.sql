-- EHC plans maintained at each January census (third Thursday of January), by LSOA, age, sex,
-- primary need and placement: plans issued on or before the census day and not ceased by it.
-- :first_year and :last_year bound the census years. Age is the age at 31 August before the census.
-- A plan whose home could not be placed has no LSOA: authority_code is then its upper-tier authority.
-- transferred_in: those of the plans another authority transferred in (SEN2 ActivePlans TransferLA).
WITH census AS (
    SELECT y AS year,
           (make_date(y, 1, 1) + ((4 - extract(isodow FROM make_date(y, 1, 1))::int + 7) % 7) + 14) AS day
    FROM generate_series(CAST(:first_year AS int), CAST(:last_year AS int)) AS y
)
SELECT c.year, p.lsoa_code, CASE WHEN p.lsoa_code IS NULL THEN p.utla_code END AS authority_code,
       p.age_at_31aug + (c.year - 1) - (extract(year FROM p.request_date)::int
                                        - CASE WHEN extract(month FROM p.request_date) < 9 THEN 1 ELSE 0 END)
           AS age,
       p.sex, p.primary_need, p.placement,
       count(*) AS plans, count(*) FILTER (WHERE p.transfer_la IS NOT NULL) AS transferred_in
FROM census c
JOIN {run}."core__ehcp_cases" p ON p.issue_date <= c.day AND (p.ceased_date IS NULL OR p.ceased_date > c.day)
WHERE p.assessment_outcome = 'plan' OR p.transfer IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7;
