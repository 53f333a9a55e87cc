-- core.statistics: the current published statistics. A figure is identified by its dataset,
-- measure, period (and its kind: a month, or rolling three months), level, area and breakdown; where several deliveries hold it (a corrected
-- re-delivery, or two releases overlapping), the later delivery wins.
INSERT INTO {run}."core__statistics"
    (dataset, time_period, time_identifier, geographic_level, area_code, area_name, old_la_code,
     breakdown_topic, breakdown, measure, value, symbol, file_id, line)
SELECT DISTINCT ON (dataset, measure, time_period, time_identifier, geographic_level, coalesce(area_code, ''),
                    breakdown_topic, breakdown)
       dataset, time_period, time_identifier, geographic_level, coalesce(area_code, ''), area_name, old_la_code,
       breakdown_topic, breakdown, measure, value, symbol, file_id, line
FROM {run}."raw__statistics"
ORDER BY dataset, measure, time_period, time_identifier, geographic_level, coalesce(area_code, ''), breakdown_topic,
         breakdown, file_id DESC, line DESC;
