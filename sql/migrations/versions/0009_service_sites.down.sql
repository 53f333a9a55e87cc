-- 0009_service_sites (down): drop what 0009 added.
DROP TABLE IF EXISTS published.service_sites, core.service_sites, raw.service_sites CASCADE;
