-- 0012_cin (down): drop what 0012_cin added.
DROP TABLE IF EXISTS core.cin_children, core.cin_episodes, raw.cin_census_return CASCADE;
