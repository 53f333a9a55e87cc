-- A new run's schema: the files it lands, their quarantine and validation findings, and the files it uses
-- (landed now or before), each shaped as the meta table it goes into at commit.
CREATE SCHEMA {run};
CREATE TABLE {run}.files (LIKE meta.files INCLUDING DEFAULTS);
CREATE TABLE {run}.quarantine (LIKE meta.quarantine);
CREATE TABLE {run}.validation (LIKE meta.validation);
CREATE TABLE {run}.used_files (file_id bigint PRIMARY KEY);
