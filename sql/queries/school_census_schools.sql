-- The school census SEN counts of each school (statistics dataset 'school_census_sen', school rows keyed
-- by URN) placed in the school's LSOA through core.schools: pupils on roll, pupils on SEN support and
-- pupils with an EHC plan by academic year ('202425' = the January 2025 census). A suppressed or missing
-- figure stays null. Schools not in core.schools cannot be placed and are left out.
SELECT st.time_period AS period, sc.urn, sc.lsoa_code,
       max(st.value) FILTER (WHERE st.measure = 'total_pupils') AS total_pupils,
       max(st.value) FILTER (WHERE st.measure = 'sen_support') AS sen_support,
       max(st.value) FILTER (WHERE st.measure = 'ehc_plan') AS ehc_plan
FROM {run}."core__statistics" st
JOIN {run}."core__schools" sc ON sc.urn::text = st.area_code
WHERE st.dataset = 'school_census_sen' AND st.geographic_level = 'School'
  AND st.measure IN ('total_pupils', 'sen_support', 'ehc_plan')
GROUP BY 1, 2, 3;
