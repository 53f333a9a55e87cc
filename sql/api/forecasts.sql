-- Published forecasts (published.forecasts; withheld rows as published, symbol 'c'), each filter left out
-- when null: measure :measure, level :level, area :area, breakdown topic :topic.
SELECT measure, area_level, area_code, area_name, breakdown_topic, breakdown, origin, year, horizon, point,
       lower80, upper80, lower95, upper95, method, symbol
FROM published.forecasts
WHERE (CAST(:measure AS text) IS NULL OR measure = :measure)
  AND (CAST(:level AS text) IS NULL OR area_level = :level)
  AND (CAST(:area AS text) IS NULL OR area_code = :area)
  AND (CAST(:topic AS text) IS NULL OR breakdown_topic = :topic)
ORDER BY measure, area_level, area_code, breakdown_topic, breakdown, year
LIMIT :limit OFFSET :offset;
