-- The newest LSOA boundary vintage the run has landed (null when none).
SELECT max(vintage) AS v FROM {run}."raw__boundaries" WHERE area_level = 'lsoa';
