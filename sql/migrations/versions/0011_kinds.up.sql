-- 0011_kinds (up): the run record of each landed file keeps what reading it noted without quarantining a row:
-- for a published release read from its zip or folder, the data files read and each file not read, with why
-- (metadata, data guidance, a readme: listed, not fatal).
ALTER TABLE meta.files ADD COLUMN notes text[];
