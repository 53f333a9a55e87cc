-- core.cin_episodes: every item of the Children in Need census returns (referrals, assessments, CIN plans,
-- section 47 enquiries, child protection plans) once. An item still open at a census date is in that year's
-- return and the next: the same child, kind and start date is one item, the later return's copy winning.
INSERT INTO {run}."core__cin_episodes"
    (child_key, record, start_date, end_date, census_year, age_at_start, referral_source, primary_need,
     closure_reason, no_further_action, abuse_category, factors, file_id, line)
SELECT DISTINCT ON (r.child_key, r.record, r.start_date)
       r.child_key, r.record, r.start_date, r.end_date, r.census_year, r.age_at_start, r.referral_source,
       r.primary_need, r.closure_reason, r.no_further_action, r.abuse_category, r.factors, r.file_id, r.line
FROM {run}."raw__cin_census_return" r
ORDER BY r.child_key, r.record, r.start_date, r.census_year DESC, r.file_id DESC, r.line;
