-- core.statistics: the current published statistics. A figure is identified by its dataset,
-- measure, period (and its kind: a month, or rolling three months), level, area and breakdown; where several deliveries hold it (a corrected
-- re-delivery, or two releases overlapping), the later delivery wins.
-- The rows (about two million from the national files) are sorted on a hash of the identity first: comparing
-- one integer instead of eight texts that mostly agree. The identity itself follows the hash in the sort and in
-- DISTINCT ON, so a hash collision can never merge two figures.
INSERT INTO {run}."core__statistics"
    (dataset, time_period, time_identifier, geographic_level, area_code, area_name, old_la_code,
     breakdown_topic, breakdown, measure, value, symbol, file_id, line)
SELECT DISTINCT ON (k, dataset, measure, time_period, time_identifier, geographic_level, area_code, breakdown_topic,
                    breakdown)
       dataset, time_period, time_identifier, geographic_level, area_code, area_name, old_la_code,
       breakdown_topic, breakdown, measure, value, symbol, file_id, line
FROM (
    SELECT hashtextextended(concat_ws(chr(31), dataset, measure, time_period, time_identifier, geographic_level,
                                      coalesce(area_code, ''), breakdown_topic, breakdown), 0) AS k,
           dataset, time_period, time_identifier, geographic_level, coalesce(area_code, '') AS area_code, area_name,
           old_la_code, breakdown_topic, breakdown, measure, value, symbol, file_id, line
    FROM {run}."raw__statistics"
) AS s
ORDER BY k, dataset, measure, time_period, time_identifier, geographic_level, area_code, breakdown_topic, breakdown,
         file_id DESC, line DESC;
