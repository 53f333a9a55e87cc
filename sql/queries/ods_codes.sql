-- The NHS's own (ODS) code of each sub-ICB location, ICB and CCG the lookups name (their ...CDH columns,
-- landed as parent level 'ods'): NHS England publishes its statistics by ODS code. The later delivery wins.
SELECT DISTINCT ON (child_level, child_code) child_level AS area_level, child_code AS area_code,
       parent_code AS ods_code
FROM {run}."raw__lookup"
WHERE parent_level = 'ods'
ORDER BY child_level, child_code, file_id DESC;
