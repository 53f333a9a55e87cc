-- maintenance_databases: on the local cluster, only the superuser may connect to (or make temporary
-- tables in) the maintenance databases; each warehouse database says who may connect to it (ownership.sql).
REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC;
