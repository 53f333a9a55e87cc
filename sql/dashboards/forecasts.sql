-- Published forecasts of areas :codes: every measure, breakdown and year on (withheld rows as published).
SELECT * FROM published.forecasts
WHERE area_code = ANY(CAST(:codes AS text[]))
ORDER BY measure, area_level, area_code, breakdown_topic, breakdown, year;
