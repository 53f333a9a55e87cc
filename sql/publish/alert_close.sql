-- A breach that ended: closed by run :run, with the reading that ended it (:value null keeps the last one: its
-- rule was removed from jsna.toml).
UPDATE published.alerts
SET status = 'closed', closed_at = now(), closed_run = :run, checked_run = :run,
    value = coalesce(CAST(:value AS double precision), value), period = coalesce(CAST(:period AS text), period)
WHERE alert_id = :alert_id
RETURNING alert_id, rule, what, title, area_code, detail, direction, threshold, value, period, since, closed_at;
