-- 0001_foundation (down): remove the warehouse's schemas and everything in them (roles are kept,
-- as other databases on the server may use them).
DROP SCHEMA IF EXISTS published CASCADE;
DROP SCHEMA IF EXISTS core CASCADE;
DROP SCHEMA IF EXISTS raw CASCADE;
DROP TABLE IF EXISTS meta.quarantine, meta.run_files, meta.files, meta.runs CASCADE;
DROP SEQUENCE IF EXISTS meta.file_ids;
