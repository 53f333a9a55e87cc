-- A run's schema and everything staged in it, at its end (committed, failed or kept unchanged).
DROP SCHEMA IF EXISTS {run} CASCADE;
