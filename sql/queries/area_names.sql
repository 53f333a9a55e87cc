-- Names of every area, by level (latest vintage), of the authorities, regions and England as the
-- published statistics name them, and of the NHS trusts in the EHC health advice returns (level 'trust',
-- the name the latest delivery gives). Where the statistics give one code several names, the first in
-- alphabetical order; each statistics name is taken once (DISTINCT) before the sort.
SELECT DISTINCT ON (area_level, area_code) area_level, area_code, area_name
FROM (
    SELECT area_level, area_code, area_name, vintage FROM {run}."core__areas"
    UNION ALL
    SELECT DISTINCT CASE geographic_level WHEN 'National' THEN 'country' WHEN 'Regional' THEN 'region'
                                          ELSE 'utla' END, area_code, area_name, 0
    FROM {run}."core__statistics"
    WHERE geographic_level IN ('National', 'Regional', 'Local authority') AND area_name IS NOT NULL
    UNION ALL
    (SELECT DISTINCT ON (trust_code) 'trust', trust_code, trust_name, 0
     FROM {run}."core__advice_returns"
     WHERE trust_name IS NOT NULL AND trust_name <> ''
     ORDER BY trust_code, file_id DESC, line DESC)
) names
ORDER BY area_level, area_code, vintage DESC, area_name;
