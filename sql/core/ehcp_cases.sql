-- core.ehcp_cases: EHC needs assessment requests with the weeks to issue, the 20-week flag and the
-- home's district and upper-tier authority. 20 weeks = 140 days from request to final plan.
-- A child whose home could not be placed (no LSOA) has no district and counts in the authority the file
-- is from (la_code). Several years' SEN2 returns declared together hold the same request (and plan) once
-- each: one row per child and request date is kept, from the newest collection (then the latest file).
-- A plan whose placement is given only by its setting's URN (as a SEN2 return gives it) takes the
-- placement from the school's type in the schools list. team and last_review (the plan's last annual review)
-- where the extract or return names them.
INSERT INTO {run}."core__ehcp_cases"
    (child_key, case_key, request_date, decision_date, decision, assessment_outcome, assessment_date, issue_date,
     weeks_to_issue, within_20_weeks, exception, age_at_request, age_at_31aug, sex, primary_need, placement,
     transfer, transfer_la, ceased_date, ceased_reason, lsoa_code, lad_code, utla_code, team, last_review, file_id, line)
WITH newest AS (
    SELECT DISTINCT ON (child_key, request_date) *
    FROM {run}."raw__ehcp_cases"
    ORDER BY child_key, request_date, return_year DESC NULLS LAST, file_id DESC, line
)
SELECT c.child_key, c.case_key, c.request_date, c.decision_date, c.decision, c.assessment_outcome,
       c.assessment_date, c.issue_date,
       (c.issue_date - c.request_date) / 7.0,
       CASE WHEN c.issue_date IS NOT NULL THEN c.issue_date - c.request_date <= 140 END,
       c.exception, c.age_at_request, c.age_at_31aug, c.sex, c.primary_need,
       coalesce(c.placement, CASE
           WHEN s.type IN ('Other independent special school', 'Non-maintained special school')
               THEN 'independent_special'
           WHEN s.is_special THEN 'special'
           WHEN s.type IN ('Further education', 'Sixth form centres') THEN 'fe_college'
           WHEN s.type IN ('Pupil referral unit', 'Academy alternative provision converter',
                           'Academy alternative provision sponsor led', 'Free schools alternative provision')
               THEN 'alternative_provision'
           WHEN s.type ILIKE '%nursery%' THEN 'early_years'
           WHEN s.urn IS NOT NULL THEN 'mainstream'
       END),
       c.transfer, c.transfer_la, c.ceased_date, c.ceased_reason, c.lsoa_code, k.lad_code,
       CASE WHEN c.lsoa_code IS NULL THEN c.la_code ELSE k.utla_code END, c.team, c.last_review, c.file_id, c.line
FROM newest c
LEFT JOIN {run}."core__lsoa_lookup" k ON k.lsoa_code = c.lsoa_code AND k.vintage = c.vintage
LEFT JOIN {run}."core__schools" s ON s.urn = c.setting_urn;
