-- The districts of the authority the milestones are counted for (each gets a row, zero included), of the
-- latest geography vintage.
SELECT DISTINCT lad_code
FROM {run}."core__lsoa_lookup"
WHERE utla_code = :area AND lad_code IS NOT NULL
  AND vintage = (SELECT max(vintage) FROM {run}."core__lsoa_lookup")
ORDER BY lad_code;
