-- core.cin_children: each child in each year's Children in Need census return (the latest file of a year
-- wins), with whether the child was in need during the year (a referral that was not "no further action",
-- open at some point from 1 April to the census date) and on the census date (such a referral still open
-- then: not closed by it), whether a disability is recorded (any code but
-- NONE), and the home's district and upper tier where the return gives a home (usually it does not).
INSERT INTO {run}."core__cin_children"
    (census_year, child_key, in_need, in_need_at_census, disabled, disabilities, age_at_census, sex, lsoa_code, lad_code, utla_code)
WITH latest AS (
    SELECT census_year, max(file_id) AS file_id FROM {run}."raw__cin_census_return" GROUP BY census_year
)
SELECT r.census_year, r.child_key,
       bool_or(r.record = 'referral' AND r.no_further_action IS NOT TRUE AND r.start_date <= r.reference_date
               AND (r.end_date IS NULL OR r.end_date >= make_date(r.census_year - 1, 4, 1))),
       bool_or(r.record = 'referral' AND r.no_further_action IS NOT TRUE AND r.start_date <= r.reference_date
               AND (r.end_date IS NULL OR r.end_date > r.reference_date)),
       bool_or(r.disabilities IS NOT NULL), max(r.disabilities), max(r.age_at_census), max(r.sex),
       max(r.lsoa_code), max(k.lad_code), max(k.utla_code)
FROM {run}."raw__cin_census_return" r
JOIN latest l ON l.census_year = r.census_year AND l.file_id = r.file_id
LEFT JOIN {run}."core__lsoa_lookup" k ON k.lsoa_code = r.lsoa_code AND k.vintage = r.vintage
GROUP BY r.census_year, r.child_key;
