-- 0015_build (down): drop what 0015_build added.
DROP TABLE IF EXISTS published.build;
