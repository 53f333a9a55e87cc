-- The authorities' forecasts from DfE's statistics (jsna.forecasting.planner.authority_forecasts) as the last build
-- published them, where nothing they read changed (jsna.pipeline.kept_authorities): every upper-tier row but those
-- of the areas published as the sum of their districts (:summed, the same as then). Disclosure control protects
-- each area's forecasts apart from the others', so these are the rows a full refresh publishes.
INSERT INTO {run}."published__forecasts"
SELECT * FROM published.forecasts WHERE area_level = 'utla' AND NOT area_code = ANY(:summed);
