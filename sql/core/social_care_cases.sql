-- core.social_care_cases: the disabled children's team's involvements with the home's district.
INSERT INTO {run}."core__social_care_cases"
    (child_key, start_date, end_date, age_at_start, sex, primary_disability, short_breaks, lsoa_code, lad_code,
     utla_code, file_id, line)
SELECT DISTINCT ON (s.child_key, s.start_date)
       s.child_key, s.start_date, s.end_date, s.age_at_start, s.sex, s.primary_disability, s.short_breaks,
       s.lsoa_code, k.lad_code, k.utla_code, s.file_id, s.line
FROM {run}."raw__social_care_cases" s
LEFT JOIN {run}."core__lsoa_lookup" k ON k.lsoa_code = s.lsoa_code AND k.vintage = s.vintage
ORDER BY s.child_key, s.start_date, s.file_id DESC;
