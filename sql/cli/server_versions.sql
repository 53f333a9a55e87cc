-- The PostgreSQL and PostGIS versions the warehouse runs on, for `jsna db status`.
SELECT current_setting('server_version') AS server_version, postgis_lib_version() AS postgis_version;
