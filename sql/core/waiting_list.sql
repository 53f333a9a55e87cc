-- core.waiting_list: referrals to the autism (ASC), ADHD and CAMHS pathways with the home's
-- district and upper-tier authority. A referral delivered in several extracts keeps its latest row.
INSERT INTO {run}."core__waiting_list"
    (child_key, referral_key, pathway, provider, referral_date, first_contact_date, assessment_date, outcome,
     discharge_date, age_at_referral, sex, lsoa_code, lad_code, utla_code, file_id, line)
SELECT DISTINCT ON (w.referral_key)
       w.child_key, w.referral_key, w.pathway, w.provider, w.referral_date, w.first_contact_date, w.assessment_date,
       w.outcome, w.discharge_date, w.age_at_referral, w.sex, w.lsoa_code, k.lad_code, k.utla_code, w.file_id, w.line
FROM {run}."raw__waiting_list" w
LEFT JOIN {run}."core__lsoa_lookup" k ON k.lsoa_code = w.lsoa_code AND k.vintage = w.vintage
ORDER BY w.referral_key, w.file_id DESC;
