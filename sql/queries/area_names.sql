-- Names of every area, by level (latest vintage), and of the authorities, regions and England as the
-- published statistics name them (the NHS trusts' are in trust_names.sql). Where the statistics give one code
-- several names, the first in alphabetical order; each statistics name is taken once (DISTINCT) before the sort.
SELECT DISTINCT ON (area_level, area_code) area_level, area_code, area_name
FROM (
    SELECT area_level, area_code, area_name, vintage FROM {run}."core__areas"
    UNION ALL
    SELECT DISTINCT CASE geographic_level WHEN 'National' THEN 'country' WHEN 'Regional' THEN 'region'
                                          ELSE 'utla' END, area_code, area_name, 0
    FROM {run}."core__statistics"
    WHERE geographic_level IN ('National', 'Regional', 'Local authority') AND area_name IS NOT NULL
) names
ORDER BY area_level, area_code, vintage DESC, area_name;
