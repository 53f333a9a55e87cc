-- ONS's best-fit lookup from LSOA 2021 to LSOA 2011, where the run has landed one: one LSOA 2011 for
-- each LSOA 2021 (the first by code where the lookup gives several).
SELECT DISTINCT ON (parent_code) parent_code AS lsoa21_code, child_code AS lsoa11_code
FROM {run}."raw__lookup"
WHERE child_level = 'lsoa' AND parent_level = 'lsoa' AND vintage = 2011 AND parent_vintage = 2021
ORDER BY parent_code, child_code;
