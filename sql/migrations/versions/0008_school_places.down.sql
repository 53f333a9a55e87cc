-- 0008_school_places (down): drop what 0008 added.
DROP TABLE IF EXISTS published.school_places CASCADE;
