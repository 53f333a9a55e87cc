-- Whether indicator :id is published for period :period (one probe of indicator_values' primary key).
SELECT EXISTS (SELECT 1 FROM published.indicator_values WHERE indicator_id = :id AND period = :period) AS found;
