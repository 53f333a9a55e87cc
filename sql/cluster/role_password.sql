-- role_password: one of the local cluster's roles with its generated password, run by `jsna db up` as the
-- superuser. The role is created here when no migration has created it yet (with the attributes the
-- migrations give it). {role} is filled in as an identifier, {role_name} and {verifier} as quoted literals
-- (psycopg.sql); {verifier} is a SCRAM-SHA-256 verifier made by the client, never the password itself.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {role_name}) THEN
        CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
END $$;
ALTER ROLE {role} WITH LOGIN PASSWORD {verifier};
