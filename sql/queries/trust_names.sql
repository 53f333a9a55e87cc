-- Names of the NHS trusts in the EHC health advice returns (level 'trust'), as the latest delivery gives them.
-- Apart from area_names.sql: only figures by trust read them, so a new advice return changes no other.
SELECT DISTINCT ON (trust_code) 'trust' AS area_level, trust_code AS area_code, trust_name AS area_name
FROM {run}."core__advice_returns"
WHERE trust_name IS NOT NULL AND trust_name <> ''
ORDER BY trust_code, file_id DESC, line DESC;
