-- Alerts over published figures (published.alerts), status :status ('open' or 'closed'; both when null):
-- open ones first, then the history, newest first.
SELECT alert_id, rule, what, title, area_code, detail, direction, threshold, value, period, since, status,
       opened_at, closed_at, opened_run, closed_run, checked_run
FROM published.alerts
WHERE CAST(:status AS text) IS NULL OR status = :status
ORDER BY status = 'open' DESC, coalesce(closed_at, opened_at) DESC, alert_id DESC
LIMIT :limit OFFSET :offset;
