-- 0003_roles (up): refreshes run as their own role, jsna_loader (not a superuser), which owns the
-- warehouse's schemas and tables (see ownership.sql, applied after every upgrade); the dashboards'
-- jsna_reader reads published only. Each landing remembers the version of the code that read the
-- file, so that a file is read again when its adapter changes, and each run who ran it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jsna_loader') THEN
        BEGIN
            CREATE ROLE jsna_loader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'cannot create role jsna_loader here; ask the DBA to create it';
        END;
    END IF;
END $$;

ALTER TABLE meta.files ADD COLUMN reader_version text NOT NULL DEFAULT '';
ALTER TABLE meta.files DROP CONSTRAINT one_landing_per_content;
ALTER TABLE meta.files ADD CONSTRAINT one_landing_per_content UNIQUE (source_name, sha256, reader_version);
ALTER TABLE meta.runs ADD COLUMN run_by text NOT NULL DEFAULT current_user;
