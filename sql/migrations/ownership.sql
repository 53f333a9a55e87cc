-- ownership: applied after every migration. Everything in the warehouse's schemas belongs to
-- jsna_loader, the role refreshes run as (it drops and renames tables when it swaps a run in);
-- whatever it publishes is readable by jsna_reader; jsna_analyst reads published and the core model
-- (unsuppressed figures, pseudonymised records), never raw landings or meta. Only these roles (and
-- the database's owner) may connect to the database; jsna_reader may not make temporary tables in it.
-- Does nothing where the roles do not exist.
DO $$
DECLARE
    obj record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jsna_loader') THEN
        RETURN;
    END IF;
    FOR obj IN SELECT nspname FROM pg_namespace WHERE nspname IN ('meta', 'raw', 'core', 'published') LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO jsna_loader', obj.nspname);
    END LOOP;
    -- tables and views first (identity sequences follow their table), then free-standing sequences
    FOR obj IN
        SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('meta', 'raw', 'core', 'published') AND c.relkind IN ('r', 'p', 'v')
          AND pg_get_userbyid(c.relowner) <> 'jsna_loader'
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO jsna_loader', obj.rel);
    END LOOP;
    FOR obj IN
        SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('meta', 'raw', 'core', 'published') AND c.relkind = 'S'
          AND pg_get_userbyid(c.relowner) <> 'jsna_loader'
    LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO jsna_loader', obj.rel);
    END LOOP;
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO jsna_loader', current_database());
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'jsna_reader') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO jsna_reader', current_database());
        GRANT USAGE ON SCHEMA published TO jsna_reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA published TO jsna_reader;
        ALTER DEFAULT PRIVILEGES FOR ROLE jsna_loader IN SCHEMA published GRANT SELECT ON TABLES TO jsna_reader;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'jsna_analyst') THEN
        EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO jsna_analyst', current_database());
        GRANT USAGE ON SCHEMA published, core TO jsna_analyst;
        GRANT SELECT ON ALL TABLES IN SCHEMA published, core TO jsna_analyst;
        ALTER DEFAULT PRIVILEGES FOR ROLE jsna_loader IN SCHEMA published, core GRANT SELECT ON TABLES TO jsna_analyst;
    END IF;
END $$;
