-- 0020_advice_child (down): advice returns keyed by the case reference only.
ALTER TABLE core.advice_returns DROP COLUMN child_key;
ALTER TABLE raw.advice_returns DROP COLUMN child_key;
