-- The columns of a staged table (:t in the run schema :s), in their order, that a frame is copied into.
SELECT column_name FROM information_schema.columns
WHERE table_schema = :s AND table_name = :t
ORDER BY ordinal_position;
