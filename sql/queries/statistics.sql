-- The published statistics of one dataset (e.g. 'ees_ehcp:caseload'), long form, current figures only.
SELECT time_period, time_identifier, geographic_level, area_code, area_name, old_la_code, breakdown_topic, breakdown,
       measure, value, symbol
FROM {run}."core__statistics"
WHERE dataset = :dataset;
