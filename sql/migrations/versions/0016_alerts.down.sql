-- 0016_alerts (down): drop what 0016_alerts added.
DROP TABLE IF EXISTS published.alerts, published.milestones;
ALTER TABLE core.ehcp_cases DROP COLUMN IF EXISTS team, DROP COLUMN IF EXISTS last_review;
ALTER TABLE raw.ehcp_cases DROP COLUMN IF EXISTS team, DROP COLUMN IF EXISTS last_review;
