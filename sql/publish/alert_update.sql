-- An open breach still lasting: its latest reading (value, period, threshold) and the run that checked it.
UPDATE published.alerts
SET value = :value, period = :period, threshold = :threshold, title = :title, detail = :detail, checked_run = :run
WHERE alert_id = :alert_id;
