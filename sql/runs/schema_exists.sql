-- Whether run schema :s still exists (a run's ending records its files from it before dropping it).
SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = :s);
