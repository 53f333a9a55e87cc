-- Transfers of statements of SEN and learning difficulty assessments to EHC plans, by LSOA and the
-- date the transfer was completed (the plan's issue date; null while outstanding).
SELECT lsoa_code, transfer, issue_date
FROM {run}."core__ehcp_cases"
WHERE transfer IN ('statement', 'lda');
