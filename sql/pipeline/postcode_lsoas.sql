-- The run's postcode directory: each postcode's LSOA, from the newest file that places it.
SELECT DISTINCT ON (postcode) postcode, lsoa_code FROM {run}."raw__postcodes"
WHERE lsoa_code IS NOT NULL
ORDER BY postcode, file_id DESC;
