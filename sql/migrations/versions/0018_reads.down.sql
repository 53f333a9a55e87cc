-- 0018_reads (down): drop what 0018_reads added.
DROP TABLE IF EXISTS core.build_reads;
