-- Transfers of statements of SEN and learning difficulty assessments to EHC plans, by LSOA and the
-- date the transfer was completed (the plan's issue date; null while outstanding). authority_code: the
-- upper tier of a child whose home could not be placed (no LSOA).
SELECT lsoa_code, CASE WHEN lsoa_code IS NULL THEN utla_code END AS authority_code, transfer, issue_date
FROM {run}."core__ehcp_cases"
WHERE transfer IN ('statement', 'lda');
