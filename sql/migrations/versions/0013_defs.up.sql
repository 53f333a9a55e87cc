-- 0013_defs (up): EHC plan rows by DfE's definitions.
-- A child whose postcode is missing or unknown lands without an LSOA and counts in its authority only
-- (la_code: the GSS code of the authority the file is from; old_la_code: the SEN2 header's LA number).
-- return_year: the SEN2 collection a row comes from (NULL for a bespoke extract): several years' returns
-- declared together keep each plan once, from the newest return. assessment_date: the assessment's
-- outcome date (DfE counts assessments by it). transfer_la: the authority a plan was transferred in from
-- (the SEN2 ActivePlans TransferLA).
ALTER TABLE raw.ehcp_cases ALTER COLUMN lsoa_code DROP NOT NULL;
ALTER TABLE raw.ehcp_cases
    ADD COLUMN la_code text COLLATE "C",
    ADD COLUMN old_la_code text,
    ADD COLUMN return_year smallint,
    ADD COLUMN assessment_date date,
    ADD COLUMN transfer_la text;
ALTER TABLE core.ehcp_cases ALTER COLUMN lsoa_code DROP NOT NULL;
ALTER TABLE core.ehcp_cases
    ADD COLUMN assessment_date date,
    ADD COLUMN ceased_reason text,
    ADD COLUMN transfer_la text;
