-- 0002_sources (down): drop what 0002 added.
DROP TABLE IF EXISTS published.area_hierarchy, core.social_care_cases, core.advice_returns, core.waiting_list,
    core.statistics, raw.social_care_cases, raw.advice_returns, raw.waiting_list, raw.statistics CASCADE;
ALTER TABLE core.ehcp_cases DROP COLUMN IF EXISTS case_key;
ALTER TABLE raw.ehcp_cases DROP COLUMN IF EXISTS case_key;
